/**
 * What a packed tarball of a publishable package may hold and declare: the rules the consumer
 * test applies to every tarball before installing it (pure, so they are unit-tested too).
 */
export type PackedManifest = {
  name?: string;
  private?: boolean;
  engines?: { node?: string };
  exports?: unknown;
  types?: string;
  files?: string[];
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
};

/** Files a tarball may ship: its manifest, README, licence and the built output. */
const ALLOWED = [/^package\.json$/, /^README\.md$/, /^LICEN[CS]E(\.md)?$/, /^dist\//];
/** Never shipped, whatever the allow-list says. */
const FORBIDDEN = [/\.test\.[cm]?[jt]s$/, /(^|\/)test-support(\/|$)/, /(^|\/)fixtures?(\/|$)/, /\.ts$/];

export function tarballProblems(
  files: readonly string[],
  manifest: PackedManifest,
  privatePackages: readonly string[],
): string[] {
  const problems: string[] = [];
  for (const raw of files) {
    const file = raw.replace(/^package\//, '');
    // Declarations are the one kind of .ts file a package ships.
    const forbidden = FORBIDDEN.some((re) => re.test(file)) && !/\.d\.ts$/.test(file);
    if (forbidden || !ALLOWED.some((re) => re.test(file))) problems.push(`ships ${file}`);
  }
  if (manifest.private) problems.push('is private');
  if (!manifest.engines?.node) problems.push('declares no engines.node');
  const root = (manifest.exports as Record<string, unknown> | undefined)?.['.'];
  const conditions = typeof root === 'object' && root ? (root as Record<string, string>) : {};
  for (const condition of ['types', 'import', 'require'])
    if (typeof conditions[condition] !== 'string')
      problems.push(`exports["."] has no "${condition}" condition`);
    else if (!files.includes(`package/${conditions[condition]!.replace(/^\.\//, '')}`))
      problems.push(
        `exports["."].${condition} points at ${conditions[condition]}, which is not in the tarball`,
      );
  const deps = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.optionalDependencies };
  for (const [dep, range] of Object.entries(deps)) {
    if (/^(workspace|catalog|file|link):/.test(range)) problems.push(`depends on ${dep}@${range}`);
    if (privatePackages.includes(dep)) problems.push(`depends on ${dep}, which is not published`);
  }
  return problems;
}
