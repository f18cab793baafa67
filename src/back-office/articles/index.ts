import type { BackOfficeModule } from '../types';
import { slugFromTitle } from '../../core/slugs';

/** The website's news: each article's address (slug) made from its title, unique. */
const articles: BackOfficeModule = {
  name: 'articles',
  writeRules: {
    'api::article.article': slugFromTitle,
  },
};

export default articles;
