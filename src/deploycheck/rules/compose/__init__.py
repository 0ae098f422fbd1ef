"""Rules over Docker Compose files and `.env` files (DC2xx): published ports, start-up order,
interpolation, service addresses in environment values, resources and env files."""
