import { Module } from '@nestjs/common';
import { PoliciesModule } from '@app/policies';
import { AppraisalsHttpController } from './appraisals.http.controller';
import { AppraisalQueries } from './appraisals.queries';

/** The individual appraisal (issue 11 item 5, R4.44, §8.1). docs/compliance.md "Individual appraisal (1000 points)". */
@Module({ imports: [PoliciesModule], controllers: [AppraisalsHttpController], providers: [AppraisalQueries] })
export class AppraisalModule {}
