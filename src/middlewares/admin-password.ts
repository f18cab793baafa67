/** The admin password rule (src/back-office/access/password.ts), as the global middleware `global::admin-password`. */
import { strongAdminPassword } from '../back-office/access/password';

export default () => strongAdminPassword();
