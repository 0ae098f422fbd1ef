"""Rules over Kubernetes manifests (DC3xx): routing between Services, Ingresses and pods, probes,
resources, security contexts and the ConfigMaps and Secrets containers read."""
