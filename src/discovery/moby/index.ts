export { DockerDiscoverer, containerTargets, dockerFilters, DOCKER_META, type DockerDiscovererOptions } from './docker.js';
export { DockerSwarmDiscoverer, type DockerSwarmDiscovererOptions } from './dockerswarm.js';
export { DockerClient, encodeFilters, compareAPIVersions, MAX_API_VERSION, FALLBACK_API_VERSION, type DockerFilters, type DockerClientOptions } from './client.js';
export { nodeTargets, SWARM_META } from './nodes.js';
export { serviceTargets } from './services.js';
export { taskTargets } from './tasks.js';
