import type { Schema, UID } from '@strapi/strapi';
import type { Strapi } from '../types';
import { COMPONENT_LABELS, LABELS } from '../../contract/labels';

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

const relabel = (
  strapi: Strapi,
  nodes: FieldNode[] | undefined,
  labels: Record<string, string> | undefined,
  attributes: Schema.Attributes | undefined
) => {
  for (const node of nodes ?? []) {
    node.label = labels?.[node.value] ?? node.label;
    const attribute = attributes?.[node.value];
    if (node.children && attribute?.type === 'component') {
      const component = strapi.components[attribute.component as UID.Component];
      relabel(strapi, node.children, COMPONENT_LABELS[attribute.component], component?.attributes);
    }
  }
};

type SubjectsHandler = (arg: { section: { subjects?: Subject[] } }) => void;
interface SectionsBuilder {
  addHandler(section: string, handler: SubjectsHandler): void;
}

export const frenchPermissionSubjects =
  (strapi: Strapi): SubjectsHandler =>
  ({ section }) => {
    for (const subject of section.subjects ?? []) {
      const model = strapi.contentTypes[subject.uid as UID.ContentType];
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
  // the permission service's section builder is not in Strapi's public types: what this file uses of it
  const { sectionsBuilder: builder } = strapi.admin.services.permission as { sectionsBuilder: SectionsBuilder };
  for (const section of ['collectionTypes', 'singleTypes']) builder.addHandler(section, frenchPermissionSubjects(strapi));
};
