"""Rules over live containers (CT codes): `Container` facts from `deploycheck containers`, and
`ContainerDeployment` facts where `--project` joins a container with its deployment files."""
