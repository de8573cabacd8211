export type DockerProbe = { available: true } | { available: false; reason: string };

/**
 * Whether a container engine answers, found the way testcontainers itself looks for one
 * (TESTCONTAINERS_HOST_OVERRIDE, DOCKER_HOST, ~/.testcontainers.properties, the usual sockets).
 * Bounded in time: a socket that accepts but never answers must not hold up a test run.
 */
export async function probeDocker(timeoutMs = 5_000): Promise<DockerProbe> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<DockerProbe>((resolve) => {
    timer = setTimeout(
      () => resolve({ available: false, reason: `no answer within ${timeoutMs / 1000} s` }),
      timeoutMs,
    );
  });
  const probe = (async (): Promise<DockerProbe> => {
    try {
      // Loaded only here: most runs on Docker-less machines never need the library.
      const { getContainerRuntimeClient } = await import('testcontainers');
      await getContainerRuntimeClient();
      return { available: true };
    } catch (error) {
      return { available: false, reason: error instanceof Error ? error.message : String(error) };
    }
  })();
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
