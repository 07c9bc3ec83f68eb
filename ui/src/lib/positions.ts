// Where a network's nodes start, shared by the view (which draws them at once) and the layout
// worker (which lays them out from there).

/**
 * Where each of `nodes` starts: where `initial` has it, else at a random place in a square that
 * grows with the network (ForceAtlas2's usual start). The picture an analyst has seen is kept
 * only by keeping positions, never by chance.
 */
export function startingPositions(nodes: string[], initial: Record<string, [number, number]>, random = Math.random): Record<string, [number, number]> {
  const spread = 10 * Math.sqrt(nodes.length + 1);
  const out: Record<string, [number, number]> = {};
  for (const n of nodes) out[n] = initial[n] ?? [(random() - 0.5) * spread, (random() - 0.5) * spread];
  return out;
}
