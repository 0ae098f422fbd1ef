"""Real components for the tests: the Docker engine, local base images, Go builds of Gin apps."""
