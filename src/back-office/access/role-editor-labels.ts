import type { Strapi } from '../types';
import { COMPONENT_LABELS, LABELS } from '../../shared/labels';

/**
 * The roles screen (Paramètres > Rôles) names each content type by its singular API name (« Member »,
 * « Dues-reminder ») and each field by its key: these handlers of Strapi's permission sections name
 * them as the content manager does, in French (the type's displayName, the fields' LABELS). They run
 * after Strapi's own handlers, which build the subjects and their fields.
 */
interface FieldNode {
  label: string;
  value: string;
  children?: FieldNode[];
}
interface Subject {
  uid: string;
  label: string;
  properties?: Array<{ value: string; label: string; children?: FieldNode[] }>;
}

const relabel = (strapi: Strapi, nodes: FieldNode[] | undefined, labels: Record<string, string> | undefined, attributes: Record<string, any> | undefined) => {
  for (const node of nodes ?? []) {
    node.label = labels?.[node.value] ?? node.label;
    const attribute = attributes?.[node.value];
    if (node.children && attribute?.type === 'component') {
      const component = strapi.components[attribute.component as keyof typeof strapi.components] as any;
      relabel(strapi, node.children, COMPONENT_LABELS[attribute.component], component?.attributes);
    }
  }
};

export const frenchPermissionSubjects = (strapi: Strapi) => ({ section }: { section: { subjects?: Subject[] } }) => {
  for (const subject of section.subjects ?? []) {
    const model = strapi.contentTypes[subject.uid as keyof typeof strapi.contentTypes] as any;
    if (!model) continue;
    if (model.info?.displayName) subject.label = model.info.displayName;
    for (const property of subject.properties ?? []) {
      if (property.value === 'fields') {
        property.label = 'Champs';
        relabel(strapi, property.children, LABELS[subject.uid], model.attributes);
      }
    }
  }
};

export const frenchRoleEditor = (strapi: Strapi) => {
  // any: the permission service's section builder is not in Strapi's public types
  const builder = (strapi.admin.services.permission as any).sectionsBuilder;
  for (const section of ['collectionTypes', 'singleTypes']) builder.addHandler(section, frenchPermissionSubjects(strapi));
};
