import type { ResolvedRoute } from '../domain/resolved-route.js';

/**
 * The order to try routes in for one request. Routes arrive sorted by priority (config order among equals);
 * when the model declares weights, each run of equal priority is reordered by a weighted draw without
 * replacement, so a route with weight 3 comes first three times as often as one with weight 1 and the others
 * remain as fallbacks. Without weights the admin's order is kept and nothing is allocated.
 */
export function orderRoutes(routes: readonly ResolvedRoute[], weighted: boolean, random: () => number): readonly ResolvedRoute[] {
  if (!weighted || routes.length < 2) return routes;
  const ordered: ResolvedRoute[] = [];
  let start = 0;
  while (start < routes.length) {
    const priority = routes[start]!.route.priority ?? 0;
    let end = start + 1;
    while (end < routes.length && (routes[end]!.route.priority ?? 0) === priority) end += 1;
    ordered.push(...drawByWeight(routes.slice(start, end), random));
    start = end;
  }
  return ordered;
}

function drawByWeight(group: ResolvedRoute[], random: () => number): ResolvedRoute[] {
  const drawn: ResolvedRoute[] = [];
  while (group.length > 0) {
    const total = group.reduce((sum, route) => sum + (route.route.weight ?? 1), 0);
    let pick = random() * total;
    let index = 0;
    while (index < group.length - 1 && (pick -= group[index]!.route.weight ?? 1) >= 0) index += 1;
    drawn.push(...group.splice(index, 1));
  }
  return drawn;
}
