/**
 * Where the graph's boxes go: dagre's layered layout of the tape (variables and constants
 * first, the output last). Left to right on a wide screen, top to bottom on a narrow one,
 * where a tall graph scrolls with the page instead of sideways.
 */
import dagre, { type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import { type LabEdge, type LabNode } from './model.js';

/** A box's centre and size. */
export interface Box {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** The laid-out graph: the canvas size, each node's box by id, each edge's polyline. */
export interface Layout {
  readonly width: number;
  readonly height: number;
  readonly boxes: ReadonlyMap<string, Box>;
  readonly paths: readonly { readonly edge: LabEdge; readonly points: readonly { readonly x: number; readonly y: number }[] }[];
}

/** Box sizes: a value box has three lines (title, value, gradient); a constant one. */
export const NODE_SIZE = { width: 136, height: 64 } as const;
export const CONSTANT_SIZE = { width: 64, height: 28 } as const;

/**
 * Lays the graph out with dagre.
 * @param direction `LR` (wide screens) or `TB` (phones)
 * @example layoutGraph(trace.nodes, trace.edges, 'LR').boxes.get('n0')
 */
export function layoutGraph(nodes: readonly LabNode[], edges: readonly LabEdge[], direction: 'LR' | 'TB'): Layout {
  const g = new dagre.graphlib.Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: true });
  g.setGraph({ rankdir: direction, nodesep: direction === 'LR' ? 18 : 14, ranksep: direction === 'LR' ? 44 : 30, marginx: 8, marginy: 14 });
  for (const n of nodes) g.setNode(n.id, { ...(n.kind === 'constant' ? CONSTANT_SIZE : NODE_SIZE) });
  // A multigraph keeps both arrows of x*x (the same value as input a and b).
  edges.forEach((e, k) => g.setEdge({ v: e.from, w: e.to, name: `e${k}` }, {}));
  dagre.layout(g);
  const boxes = new Map<string, Box>();
  for (const n of nodes) {
    const l = g.node(n.id);
    boxes.set(n.id, { x: l.x ?? 0, y: l.y ?? 0, width: l.width, height: l.height });
  }
  const paths = edges.map((edge, k) => ({ edge, points: g.edge({ v: edge.from, w: edge.to, name: `e${k}` }).points ?? [] }));
  const label = g.graph();
  return { width: Math.ceil(label.width ?? 0), height: Math.ceil(label.height ?? 0), boxes, paths };
}
