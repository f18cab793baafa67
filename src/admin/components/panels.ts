import type * as React from 'react';
import type { Modules } from '@strapi/strapi';
import type { StrapiApp } from '@strapi/strapi/admin';

/**
 * What a side panel of the content manager's edit view receives (the content manager's
 * PanelComponentProps, which @strapi/strapi/admin does not export).
 */
export interface PanelProps {
  activeTab: 'draft' | 'published' | null;
  collectionType: string;
  /** the content type's uid */
  model: string;
  /** undefined while a record is being created */
  documentId?: string;
  /** the record being edited, as the content manager types it (its fields untyped) */
  document?: Modules.Documents.AnyDocument;
}

/** A side panel: its title and content, or null where it does not apply. */
export type Panel = (props: PanelProps) => { title: string; content: React.ReactNode } | null;

/** What the back-office uses of the content manager's admin API (Strapi types a plugin's `apis` as a record of unknown). */
interface ContentManagerApis {
  addEditViewSidePanel: (panels: Panel[]) => void;
}

/** Adds side panels to the content manager's edit view. */
export const addEditViewSidePanels = (app: StrapiApp, panels: Panel[]) =>
  // sound: the content manager puts addEditViewSidePanel in its plugin's apis (typed Record<string, unknown>)
  (app.getPlugin('content-manager').apis as unknown as ContentManagerApis).addEditViewSidePanel(panels);
