import type { StrapiApp } from '@strapi/strapi/admin';
import { adminPages } from './pages';
import { FRENCH } from './translations/fr';

// French by default: Strapi starts in English unless the browser remembers another choice.
// Each user can still switch language in their profile.
const LANGUAGE_KEY = 'strapi-admin-language';
if (typeof window !== 'undefined' && !window.localStorage.getItem(LANGUAGE_KEY)) {
  window.localStorage.setItem(LANGUAGE_KEY, 'fr');
}

// Strapi's English "new Media Library" banner (it links to a blog on the internet): shown as already
// dismissed. The key is scoped by the instance uuid that /admin/init returns: `false` while telemetry
// is off (our setting), the project's uuid (package.json > strapi.uuid) otherwise.
const PROJECT_UUID = '3f6d0a52-7c1e-4d55-9b7a-5a8f0e4a1b2c';
if (typeof window !== 'undefined') {
  for (const scope of ['false', PROJECT_UUID]) {
    for (const legacy of ['true', 'false']) {
      const key = `STRAPI_MEDIA_LIBRARY_BANNER_DISMISSED_FOR_${legacy}:${scope}`;
      if (window.localStorage.getItem(key) === null) window.localStorage.setItem(key, 'true');
    }
  }
}

export default {
  config: {
    // The bureau works in French; English stays available in each user's profile.
    locales: ['fr'],
    translations: {
      fr: {
        'app.components.LeftMenu.navbrand.title': 'Asso Back-Office',
        'app.components.LeftMenu.navbrand.workplace': 'Gestion de l\u2019association',
        'Auth.form.welcome.title': 'Bienvenue sur le back-office',
        'Auth.form.welcome.subtitle': 'Connectez-vous avec votre compte du bureau',
        // content-manager hints that Strapi ships only in English
        'content-manager.form.Input.hint.character.unit': '{maxValue, plural, one { caractère} other { caractères}}',
        'content-manager.form.Input.hint.text':
          '{min, select, undefined {} other {min. {min}}}{divider}{max, select, undefined {} other {max. {max}}}{unit}{br}{description}',
        // media library, relation pickers, counters, home page, validation, refusals, settings menu
        ...FRENCH,
      },
    },
    tutorials: false,
    notifications: { releases: false },
  },
  register(app: StrapiApp) {
    for (const page of adminPages) page.register?.(app);
  },
  bootstrap(app: StrapiApp) {
    for (const page of adminPages) page.bootstrap?.(app);
  },
};
