/**
 * Heap snapshots, summarized: objects by constructor (count, self size), and for the constructors
 * that grew, who holds them (the retaining object's constructor and the edge's name), so a diff
 * says what is retained and by what, without opening DevTools.
 *
 * `node bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot>` prints the diff of two files
 * (those `pnpm bench:memory` writes with BENCH_MEMORY_SNAPSHOTS).
 */
import { readFileSync } from 'node:fs';

interface RawSnapshot {
  readonly snapshot: {
    readonly meta: {
      node_fields: string[];
      node_types: [string[]];
      edge_fields: string[];
      edge_types: [string[]];
    };
  };
  readonly nodes: number[];
  readonly edges: number[];
  readonly strings: string[];
}

export interface Group {
  readonly key: string;
  readonly count: number;
  readonly bytes: number;
}

export interface SnapshotSummary {
  readonly point: string;
  readonly totalBytes: number;
  readonly groups: Map<string, Group>;
  /** For a group key: the retainer paths of its objects ("Holder.edge → …") and how many each holds. */
  readonly retainers: (key: string) => [string, number][];
}

export const summarizeSnapshot = (point: string, raw: RawSnapshot): SnapshotSummary => {
  const { meta } = raw.snapshot;
  const nodeFields = meta.node_fields.length;
  const edgeFields = meta.edge_fields.length;
  const typeAt = meta.node_fields.indexOf('type');
  const nameAt = meta.node_fields.indexOf('name');
  const sizeAt = meta.node_fields.indexOf('self_size');
  const edgeCountAt = meta.node_fields.indexOf('edge_count');
  const edgeTypeAt = meta.edge_fields.indexOf('type');
  const edgeNameAt = meta.edge_fields.indexOf('name_or_index');
  const edgeToAt = meta.edge_fields.indexOf('to_node');
  const nodeTypes = meta.node_types[0];
  const edgeTypes = meta.edge_types[0];
  const count = raw.nodes.length / nodeFields;
  const keyOf = (node: number): string => {
    const base = node * nodeFields;
    const type = nodeTypes[raw.nodes[base + typeAt] ?? 0] ?? '?';
    const name = raw.strings[raw.nodes[base + nameAt] ?? 0] ?? '?';
    if (type === 'object' || type === 'native') return name.slice(0, 80);
    if (type === 'closure') return `closure ${name.slice(0, 60)}`;
    return `(${type})`;
  };
  const keys: string[] = new Array(count);
  const groups = new Map<string, { key: string; count: number; bytes: number }>();
  let totalBytes = 0;
  for (let node = 0; node < count; node += 1) {
    const key = keyOf(node);
    keys[node] = key;
    const size = raw.nodes[node * nodeFields + sizeAt] ?? 0;
    totalBytes += size;
    const group = groups.get(key) ?? { key, count: 0, bytes: 0 };
    group.count += 1;
    group.bytes += size;
    groups.set(key, group);
  }
  // Retainers: walk every edge once, remembering for each target who points at it (strong edges).
  const holders = new Map<number, { node: number; label: string }[]>();
  let edge = 0;
  for (let node = 0; node < count; node += 1) {
    const edges = raw.nodes[node * nodeFields + edgeCountAt] ?? 0;
    for (let index = 0; index < edges; index += 1, edge += edgeFields) {
      const type = edgeTypes[raw.edges[edge + edgeTypeAt] ?? 0] ?? '?';
      if (type === 'weak' || type === 'shortcut') continue;
      const target = (raw.edges[edge + edgeToAt] ?? 0) / nodeFields;
      const nameOrIndex = raw.edges[edge + edgeNameAt] ?? 0;
      const name = type === 'element' || type === 'hidden' ? '[]' : (raw.strings[nameOrIndex] ?? '?');
      const label = /^\d+$/.test(name) ? '[]' : name.slice(0, 40);
      const list = holders.get(target) ?? [];
      if (list.length < 3) list.push({ node, label });
      holders.set(target, list);
    }
  }
  /** "Holder.edge": through V8's internal arrays and tables up to the first object with a name. */
  const retainerPath = (node: number): string => {
    const steps: string[] = [];
    for (let at = node, hops = 0; hops < 4; hops += 1) {
      const holder = holders.get(at)?.[0];
      if (holder === undefined) break;
      const key = keys[holder.node] ?? '?';
      steps.unshift(`${key}.${holder.label}`);
      if (!key.startsWith('(') && !key.startsWith('system /')) break;
      at = holder.node;
    }
    return steps.join(' → ');
  };
  return {
    point,
    totalBytes,
    groups,
    retainers: (key) => {
      const tally = new Map<string, number>();
      for (let node = 0; node < count; node += 1) {
        if (keys[node] !== key) continue;
        const path = retainerPath(node);
        tally.set(path, (tally.get(path) ?? 0) + 1);
      }
      return [...tally].sort((a, b) => b[1] - a[1]).slice(0, 5);
    },
  };
};

export interface GrowthRow {
  readonly key: string;
  readonly countBefore: number;
  readonly countAfter: number;
  readonly kibGrowth: number;
  readonly retainers: [string, number][];
}

/** The groups that grew most between two snapshots (by bytes), with their retainers in the later one. */
export const diffSnapshots = (
  before: SnapshotSummary | undefined,
  after: SnapshotSummary | undefined,
  top = 15,
): { totalMiBBefore: number; totalMiBAfter: number; rows: GrowthRow[] } => {
  if (before === undefined || after === undefined) return { totalMiBBefore: 0, totalMiBAfter: 0, rows: [] };
  const rows = [...after.groups.values()]
    .map((group) => {
      const old = before.groups.get(group.key);
      return { group, countBefore: old?.count ?? 0, growth: group.bytes - (old?.bytes ?? 0) };
    })
    .sort((a, b) => b.growth - a.growth)
    .slice(0, top)
    .map(({ group, countBefore, growth }) => ({
      key: group.key,
      countBefore,
      countAfter: group.count,
      kibGrowth: Math.round(growth / 1024),
      retainers: after.retainers(group.key),
    }));
  return {
    totalMiBBefore: Math.round((before.totalBytes / 2 ** 20) * 10) / 10,
    totalMiBAfter: Math.round((after.totalBytes / 2 ** 20) * 10) / 10,
    rows,
  };
};

if (import.meta.main) {
  const [beforeFile, afterFile] = process.argv.slice(2);
  if (beforeFile === undefined || afterFile === undefined) {
    process.stderr.write('usage: node bench/heap-diff.ts <before.heapsnapshot> <after.heapsnapshot>\n');
    process.exit(2);
  }
  const load = (file: string) => summarizeSnapshot(file, JSON.parse(readFileSync(file, 'utf8')));
  const diff = diffSnapshots(load(beforeFile), load(afterFile));
  process.stdout.write(
    `live heap in the snapshots: ${diff.totalMiBBefore} MiB → ${diff.totalMiBAfter} MiB\n`,
  );
  for (const row of diff.rows) {
    const held = row.retainers.map(([path, count]) => `${count}× ${path}`).join('; ');
    process.stdout.write(
      `${row.kibGrowth} KiB  ${row.countBefore} → ${row.countAfter}  ${row.key}  (${held})\n`,
    );
  }
}
