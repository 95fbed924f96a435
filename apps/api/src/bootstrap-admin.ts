import { deterministicUuid } from '@app/kernel';

/** The administrator created on the first start of an empty system (`npm run cli -- token admin`). */
export const BOOTSTRAP_ADMIN_ID = deterministicUuid('baosong', 'bootstrap', 'administrator');
