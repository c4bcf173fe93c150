// Unit tests never see the shell's stack settings: a developer (or an
// integration run, whose nx tasks inherit PAWS360_STACK, PAWS360_PORT_OFFSET…)
// must get the same verdicts as a clean CI shell.
for (const name of Object.keys(process.env)) {
  if (name.startsWith('PAWS360_') || name === 'DOCKER_HOST' || name === 'NO_COLOR' || name === 'FORCE_COLOR' || name === 'CI') delete process.env[name];
}
