/**
 * Azure Resource Manager ids (`/subscriptions/<id>/resourceGroups/<group>/providers/<ns>/
 * <type>/<name>[/<type>/<name>...]`), read as the Azure SDK reads them for discovery: the
 * resource group is the segment after `resourceGroups` (any case), the name the last
 * segment. An id must start with "/" and with a `subscriptions` or `providers` segment.
 */
export interface ResourceID {
  subscriptionID: string;
  resourceGroupName: string;
  name: string;
}

export function parseResourceID(id: string): ResourceID {
  if (!id.startsWith('/')) throw new Error(`invalid resource ID: resource id '${id}' must start with '/'`);
  const parts = id.split('/').filter((p) => p !== '');
  if (parts.length < 2 || !['subscriptions', 'providers'].includes(parts[0]!.toLowerCase())) throw new Error(`invalid resource ID: ${id}`);
  // A subscription or resource group segment needs its value.
  if (parts.length % 2 === 1 && ['subscriptions', 'resourcegroups'].includes(parts.at(-1)!.toLowerCase())) throw new Error(`invalid resource ID: ${id}`);
  let subscriptionID = '', resourceGroupName = '';
  for (let i = 0; i + 1 < parts.length; i++) {
    const k = parts[i]!.toLowerCase();
    if (k === 'subscriptions' && subscriptionID === '') subscriptionID = parts[i + 1]!;
    if (k === 'resourcegroups' && resourceGroupName === '') resourceGroupName = parts[i + 1]!;
  }
  return { subscriptionID, resourceGroupName, name: parts.at(-1)! };
}
