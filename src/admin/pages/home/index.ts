import type { AdminPage } from '../index';

/**
 * The home page: the association's widgets first (dues to renew, the year's figures), then Strapi's
 * own (profile, project statistics, last edited entries…), which only the super admin sees: they are
 * about the tool, not the association. A Strapi widget is kept for whoever may manage the admin
 * accounts (admin::users.read), which no bureau role holds.
 */
const OURS = /^back-office-/;
const TECHNICAL_ONLY = [{ action: 'admin::users.read' }];

interface Widget {
  id: string;
  pluginId?: string;
  permissions?: Array<{ action: string; subject?: string | null }>;
}

export const homeWidgets = <W extends Widget>(widgets: W[]): W[] => {
  const ours = widgets.filter((w) => !w.pluginId && OURS.test(w.id));
  // in place of their own permissions: Strapi counts the matching permissions, and a role that reads
  // fifteen types would pass any list of two
  const strapis = widgets.filter((w) => !ours.includes(w)).map((w) => ({ ...w, permissions: TECHNICAL_ONLY }));
  return [...ours, ...strapis];
};

const home: AdminPage = {
  register(app) {
    // runs after every other page registered its widgets (last in pages/index.ts)
    app.widgets.register(homeWidgets);
  },
};

export default home;
