import { DynamicModule, Module, Type } from '@nestjs/common';
import { LocalDiskAttachmentStorage, ATTACHMENT_STORAGE } from './attachments/attachment-storage';
import { REPORTING_POLICY, ReportingPolicy } from './domain/reporting-policy.port';
import { DraftCommands } from './write/draft-commands';
import { OrgLookups } from './write/org-lookups';
import { CreateDraftHandler } from './write/create-draft/create-draft.handler';
import { CreateDraftHttpController } from './write/create-draft/create-draft.http.controller';
import { EditDraftHttpController } from './write/edit-draft/edit-draft.http.controller';
import { SubmitDraftHttpController } from './write/submit-draft/submit-draft.http.controller';
import { ReviewStepHttpController } from './write/review-step/review-step.http.controller';
import { RecordOutcomesHttpController } from './write/record-outcomes/record-outcomes.http.controller';
import { CommissionCommandHandler, IssueCommissionHttpController } from './write/issue-commission/issue-commission.http.controller';
import { AttachmentsHttpController } from './write/upload-attachment/attachments.http.controller';
import { DraftQueries } from './read/drafts/drafts.queries';
import { CommissionQueries } from './read/drafts/commissions.queries';
import { DraftsHttpController } from './read/drafts/drafts.http.controller';

export interface ReportingModuleOptions {
  /** Where attachments are kept (DATA_DIR/attachments). */
  readonly attachmentsDir: string;
  /** The policy adapter (libs/policies answers the workflow's questions). */
  readonly policy: Type<ReportingPolicy>;
  /** Modules the policy adapter needs (the policies context). */
  readonly imports?: (Type | DynamicModule)[];
}

@Module({})
export class ReportingModule {
  static forRoot(options: ReportingModuleOptions): DynamicModule {
    return {
      module: ReportingModule,
      imports: [...(options.imports ?? [])],
      controllers: [
        CreateDraftHttpController,
        EditDraftHttpController,
        SubmitDraftHttpController,
        ReviewStepHttpController,
        RecordOutcomesHttpController,
        IssueCommissionHttpController,
        AttachmentsHttpController,
        DraftsHttpController,
      ],
      providers: [
        { provide: ATTACHMENT_STORAGE, useValue: new LocalDiskAttachmentStorage(options.attachmentsDir) },
        { provide: REPORTING_POLICY, useClass: options.policy },
        OrgLookups,
        DraftCommands,
        CreateDraftHandler,
        CommissionCommandHandler,
        DraftQueries,
        CommissionQueries,
      ],
    };
  }
}
