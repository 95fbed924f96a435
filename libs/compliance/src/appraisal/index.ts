export { AppraisalModule } from './appraisal.module';
export { appraisalsProjection, APPRAISAL_TIME_ZONE } from './appraisals.projection';
export { appraisalDecider, appraisalStream, APPRAISAL_EVENT_TYPES } from './appraisal.decider';
export type { AppraisalCommand, AppraisalEvent, AppraisalScores, AppraisalState } from './appraisal.decider';
export { appraisalResult, bandOf, itemPoints } from './appraisal-score';
export type { AppraisalResult } from './appraisal-score';
