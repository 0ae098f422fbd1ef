"""Rules that span kinds of files: ports, probes, proxies and environment across deployments."""
