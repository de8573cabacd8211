/** Every document of every collection, to show that a refused input changed nothing. */
import type { MongoConnection } from '@cancel-sync/adapter-mongodb';

type Db = MongoConnection['db'];

export type DatabaseSnapshot = ReadonlyMap<string, readonly string[]>;

export const snapshotDatabase = async (db: Db): Promise<DatabaseSnapshot> => {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const snapshot = new Map<string, string[]>();
  for (const name of names) {
    const documents = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
    snapshot.set(
      name,
      documents.map((document) => JSON.stringify(document)),
    );
  }
  return snapshot;
};

/** Each collection whose documents differ, with how: empty when nothing changed. */
export const differences = (before: DatabaseSnapshot, after: DatabaseSnapshot): string[] => {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  return names.flatMap((name) => {
    const was = new Set(before.get(name) ?? []);
    const is = new Set(after.get(name) ?? []);
    const added = [...is].filter((document) => !was.has(document));
    const removed = [...was].filter((document) => !is.has(document));
    if (added.length === 0 && removed.length === 0) return [];
    return [
      `${name}: ${added.length} new or changed, ${removed.length} gone or changed (e.g. ${(added[0] ?? removed[0] ?? '').slice(0, 200)})`,
    ];
  });
};
