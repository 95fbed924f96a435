import { maskPersonal, PersonalDataDeclaration, PersonalDataKind } from '@app/kernel';
import type { CreditFields } from './credit-fields';

/**
 * The personal fields of personal credit records (个人信用信息, R6.03/R6.04; PIPL cited by R6.01): the person's name,
 * ID-card number and address, and the free text about them (the summary and the description of their credit
 * activity, property or relationships, sensitive personal information per the design note under R6.04). Their
 * person is `subjectPersonId`. Public records (organisations) hold no personal field: their events are of other
 * types. Registered with the PersonalDataRegistry when one is provided (CreditModule.onModuleInit).
 */
const PERSONAL_FIELDS: readonly { readonly path: string; readonly kind: PersonalDataKind }[] = [
  { path: 'fields.name', kind: 'name' },
  { path: 'fields.idCardNumber', kind: 'id-card' },
  { path: 'fields.address', kind: 'address' },
  { path: 'fields.content', kind: 'text' },
  { path: 'fields.description', kind: 'text' },
];

export const CREDIT_PERSONAL_DATA: PersonalDataDeclaration[] = ['PersonalCreditRecordSubmitted', 'PersonalCreditRecordCorrected'].map((eventType) => ({
  eventType,
  subjectPath: 'subjectPersonId',
  fields: PERSONAL_FIELDS,
}));

/** The fields of a record as read models hold them: a personal record's personal fields masked, never clear. */
export function maskedCreditFields(kind: 'public' | 'personal', fields: CreditFields): CreditFields {
  if (kind !== 'personal') return { ...fields };
  const out: Record<string, string | null | undefined> = { ...fields };
  for (const f of PERSONAL_FIELDS) {
    const key = f.path.slice('fields.'.length);
    if (out[key] !== undefined) out[key] = maskPersonal(f.kind, out[key]);
  }
  return out as CreditFields;
}
