import { BusinessDates } from '@app/access';
import { PolicyCatalog, PolicyDocument, PolicySet } from '@app/policies';
import type { DraftContent } from '../domain/draft.types';
import { PolicyEngineReportingPolicy } from './policy-engine.adapter';

/** The reporting adapter over exactly these published policies (Asia/Shanghai business dates). */
export const adapterOver = (...docs: PolicyDocument[]): PolicyEngineReportingPolicy =>
  new PolicyEngineReportingPolicy({ published: async () => new PolicySet(docs) } as unknown as PolicyCatalog, new BusinessDates('Asia/Shanghai'));

/** A minimal external general item without an event date; `extra` replaces fields. */
export const draftContent = (extra: Partial<DraftContent> = {}): DraftContent => ({
  title: 't',
  body: '正文',
  contentType: 'general',
  source: 'original',
  originalOutlet: null,
  firstRelease: 'exclusive',
  targetPlatforms: [],
  authors: ['a'],
  recommenderId: null,
  eventDate: null,
  importance: 'general',
  destination: 'external',
  longForm: false,
  attachments: [],
  formFields: {},
  ...extra,
});
