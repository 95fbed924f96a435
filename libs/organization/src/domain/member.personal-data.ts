import type { PersonalDataDeclaration } from '@app/kernel';

/** Members' personal fields (issue 12 item 5): sealed with the member's own key in the log, masked in read models. */
export const MEMBER_PERSONAL_DATA: readonly PersonalDataDeclaration[] = ['MemberRegistered', 'MemberDetailsUpdated'].map((eventType) => ({
  eventType,
  subjectPath: 'memberId',
  fields: [
    { path: 'phone', kind: 'phone' },
    { path: 'email', kind: 'email' },
    { path: 'idCardNumber', kind: 'id-card' },
  ],
}));
