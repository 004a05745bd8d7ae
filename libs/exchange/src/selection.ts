import { getDirectiveValues, GraphQLIncludeDirective, GraphQLSkipDirective, type FieldNode, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * The fields an operation selects under a field (aliases, fragments and @skip/@include
 * resolved), by name: what the typed dataset fields query, and whether totalCount is asked for.
 */
export function selectedFields(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>, path: readonly string[] = []): Map<string, FieldNode[]> {
  let level: FieldNode[] = [...info.fieldNodes];
  for (const name of path) level = [...level.flatMap((node) => collect(node.selectionSet, info).get(name) ?? [])];
  const result = new Map<string, FieldNode[]>();
  for (const node of level) {
    for (const [name, nodes] of collect(node.selectionSet, info)) result.set(name, [...(result.get(name) ?? []), ...nodes]);
  }
  return result;
}

function included(node: { directives?: readonly unknown[] }, info: Pick<GraphQLResolveInfo, 'variableValues'>): boolean {
  const skip = getDirectiveValues(GraphQLSkipDirective, node as FieldNode, info.variableValues);
  if (skip?.if === true) return false;
  const include = getDirectiveValues(GraphQLIncludeDirective, node as FieldNode, info.variableValues);
  return include?.if !== false;
}

function collect(selectionSet: SelectionSetNode | undefined, info: Pick<GraphQLResolveInfo, 'fragments' | 'variableValues'>, seen = new Set<string>()): Map<string, FieldNode[]> {
  const out = new Map<string, FieldNode[]>();
  for (const selection of selectionSet?.selections ?? []) {
    if (!included(selection, info)) continue;
    if (selection.kind === 'Field') {
      out.set(selection.name.value, [...(out.get(selection.name.value) ?? []), selection]);
    } else {
      let set: SelectionSetNode | undefined;
      if (selection.kind === 'InlineFragment') set = selection.selectionSet;
      else if (!seen.has(selection.name.value)) {
        seen.add(selection.name.value);
        set = info.fragments[selection.name.value]?.selectionSet;
      }
      for (const [name, nodes] of collect(set, info, seen)) out.set(name, [...(out.get(name) ?? []), ...nodes]);
    }
  }
  return out;
}

/** Whether a connection's totalCount is selected. */
export function wantsTotalCount(info: Pick<GraphQLResolveInfo, 'fieldNodes' | 'fragments' | 'variableValues'>): boolean {
  return selectedFields(info).has('totalCount');
}
