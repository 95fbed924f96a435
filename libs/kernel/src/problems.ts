/**
 * The catalogue of problem types: every `urn:baosong:problem:<code>` the API can answer, with its HTTP status,
 * what it means and what the client should do. It is the one place a code is declared: the OpenAPI document's
 * problem responses are built from it, docs/api.md renders it (`npm run docs:problems`), and a unit test fails
 * when a code thrown anywhere in libs/ or apps/ is missing here.
 *
 * A code thrown as a RuleViolation answers 422, as an InvalidState 409 (see errors.ts); a code that both raise
 * lists both statuses.
 */
export const PROBLEM_TYPE_PREFIX = 'urn:baosong:problem:';

export type ProblemStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 500 | 503;

export interface ProblemTypeEntry {
  /** The HTTP status(es) this code answers with. */
  readonly status: ProblemStatus | readonly ProblemStatus[];
  /** What it means. */
  readonly meaning: string;
  /** What the client should do about it. */
  readonly action: string;
}

const FIX = 'Fix the request as the detail says; retrying it unchanged fails again.';
const RELOAD = 'Reload the resource, check its state and decide again.';

export const PROBLEM_CATALOGUE = {
  // ---- the request itself (400, 413, 415) --------------------------------------------------------------------
  'validation-failed': { status: 400, meaning: 'The body, a header or a query parameter is not valid; `errors` lists `{field, message}` for each problem.', action: FIX },
  'http-400': { status: 400, meaning: 'The body is not well-formed JSON, or another malformed request the framework refuses (a malformed path parameter is validation-failed naming it).', action: FIX },
  'payload-too-large': { status: 413, meaning: 'The body is larger than its documented limit (`limit`, in bytes): 1 MiB for JSON and YAML, 20 MiB for an attachment upload (a declared Content-Length over it is refused before anything is stored).', action: 'Send a smaller body; for files use POST /v1/attachments, within its limit.' },
  'http-415': { status: 415, meaning: 'The Content-Type is not one the operation accepts.', action: 'Send application/json (or a type the operation lists).' },
  'charset.unsupported': { status: 415, meaning: 'The body\'s charset is not one the body parser reads (send UTF-8).', action: 'Send the body as UTF-8 (Content-Type: application/json; charset=utf-8).' },
  'encoding.unsupported': { status: 415, meaning: 'The Content-Encoding is not one the body parser reads.', action: 'Send the body uncompressed, or gzip/deflate.' },
  // ---- who you are and what you may do (401, 403) ---------------------------------------------------------------
  unauthenticated: { status: 401, meaning: 'No bearer token, an invalid or expired one, or a member who is unknown or not active.', action: 'Get a new token (npm run cli -- token <memberId>) and send it as Authorization: Bearer.' },
  forbidden: { status: 403, meaning: 'The member\'s appointments in force do not grant what the operation needs (`permission`, `requiredRoles`, `unitId`).', action: 'Act as a member who holds the role, or ask an administrator for the appointment.' },
  // ---- what does not exist (404) ---------------------------------------------------------------------------
  'not-found': { status: 404, meaning: 'The resource named in the path does not exist (`resource`, `id`).', action: 'Check the id; a resource created a moment ago may not be in the read model yet: retry shortly.' },
  'http-404': { status: 404, meaning: 'No such route (or not with this method).', action: 'Check the method and path against the OpenAPI document.' },
  // ---- concurrency and idempotency (409, 412, 422, 428) -----------------------------------------------------------
  'wrong-expected-revision': { status: 409, meaning: 'Another request changed the stream between this command\'s read and its append (`stream`, `expected`, `actual`).', action: RELOAD },
  'event-id-reused': { status: 409, meaning: 'Some of the event ids this command would append are already stored for different events.', action: 'Send the command with a new Idempotency-Key.' },
  'stale-revision': { status: 412, meaning: 'If-Match names a revision other than the resource\'s current one; nothing changed.', action: 'GET the resource, take its ETag, re-apply your change and send it with the new If-Match.' },
  'http-428': { status: 428, meaning: 'The operation requires If-Match and the request has none.', action: 'GET the resource and send its ETag as If-Match.' },
  'idempotency-key-reused': { status: 422, meaning: 'This member already used the Idempotency-Key for a different request (method, route or body).', action: 'Use a new key for a new request; resend the original request to get its answer.' },
  // ---- the server (500, 503) ------------------------------------------------------------------------------------
  internal: { status: 500, meaning: 'An unexpected error; the details are logged under the correlation id, never returned.', action: 'Report the correlationId to the operators; retrying with the same Idempotency-Key is safe.' },
  'http-503': { status: 503, meaning: '/health/ready: the database does not answer or a projection is stopped on a dead letter.', action: 'Operators: see GET /v1/ops/projections and the dead letters.' },

  // ---- organization: units ----------------------------------------------------------------------------------
  'unit-already-registered': { status: 409, meaning: 'A unit with this id is already registered.', action: 'Use another unitId, or read the existing unit.' },
  'unit-not-registered': { status: 409, meaning: 'The unit is not registered.', action: 'Register the unit first.' },
  'unit-dissolved': { status: 409, meaning: 'The unit is dissolved: it takes no further changes.', action: 'Act on an active unit.' },
  'unit-parent-unknown': { status: 422, meaning: 'The parent unit does not exist.', action: 'Register the parent first or name an existing one.' },
  'unit-parent-dissolved': { status: 422, meaning: 'The parent unit is dissolved.', action: 'Name an active parent.' },
  'unit-move-cycle': { status: 422, meaning: 'A unit cannot move under itself or one of its descendants.', action: 'Choose a parent outside the unit\'s subtree.' },
  'unit-type-undefined': { status: 422, meaning: 'The unit type is not configured.', action: 'Define it (POST /v1/unit-types) or use a configured key.' },
  'unit-type-invalid': { status: 422, meaning: 'A unit type has a lowercase key and a name of 1-50 characters (`field`).', action: FIX },
  'unit-date-invalid': { status: 422, meaning: 'dissolvedOn is not a calendar date (YYYY-MM-DD).', action: FIX },
  'unit-unknown': { status: 422, meaning: 'The unit named in the body does not exist.', action: 'Name an existing unit.' },
  // ---- organization: members and appointments -----------------------------------------------------------------
  'member-already-registered': { status: 409, meaning: 'A member with this id is already registered.', action: 'Use another memberId, or read the existing member.' },
  'id-card-number-invalid': { status: 422, meaning: 'idCardNumber is not a valid resident identity card number (GB 11643: 18 characters, a date of birth, the check character).', action: FIX },
  'member-not-registered': { status: 409, meaning: 'The member is not registered.', action: 'Register the member first.' },
  'member-not-active': { status: 422, meaning: 'The member is suspended or has left: no new appointments.', action: 'Reactivate the member first (POST /v1/members/{memberId}/status).' },
  'appointment-overlaps': { status: 409, meaning: 'The member already holds this role in this unit for an overlapping period.', action: 'End the existing appointment or choose other dates.' },
  'appointment-ends-before-start': { status: 422, meaning: 'An appointment cannot end before it starts (`field`).', action: FIX },
  'appointment-date-invalid': { status: 422, meaning: 'An appointment date is not a calendar date (YYYY-MM-DD).', action: FIX },
  'appointment-unit-unknown': { status: 422, meaning: 'The appointment\'s unit does not exist.', action: 'Name an existing unit.' },
  'appointment-unit-dissolved': { status: 422, meaning: 'The appointment\'s unit is dissolved.', action: 'Name an active unit.' },
  'appointment-unknown': { status: 422, meaning: 'The member has no appointment with this id.', action: 'Check the appointmentId (GET /v1/members/{memberId}).' },
  'oversees-only-for-leader-in-charge': { status: 422, meaning: 'Only a leader in charge (分管领导) oversees units.', action: 'Drop `oversees`, or appoint the role leader_in_charge.' },
  'leader-oversees-nothing': { status: 422, meaning: 'A leader in charge (分管领导) oversees at least one unit.', action: 'List the overseen units in `oversees`.' },
  'overseen-unit-unknown': { status: 422, meaning: 'Some overseen units do not exist or are dissolved.', action: 'List active units only.' },
  // ---- organization: channels and configuration ---------------------------------------------------------------
  'channel-handle-taken': { status: 409, meaning: 'A channel with this handle is already registered on the platform.', action: 'Use the existing channel (its id is derived from platform and handle).' },
  'channel-not-found': { status: 409, meaning: 'The channel does not exist.', action: 'Register the channel first.' },
  'channel-retired': { status: [409, 422], meaning: 'The channel is retired: no follower counts and no new publications on it.', action: 'Use an active channel.' },
  'channel-unknown': { status: 422, meaning: 'The channel named in the body does not exist.', action: 'Register it, or name an existing channel.' },
  'channel-owner-unknown': { status: 422, meaning: 'The channel\'s owner unit does not exist.', action: 'Name an existing unit.' },
  'channel-owner-dissolved': { status: 422, meaning: 'The channel\'s owner unit is dissolved.', action: 'Name an active unit.' },
  'publication-level-unknown': { status: 422, meaning: 'The level is not on the publication ladder (`field` levelKey).', action: 'Use a key from GET /v1/publication-levels.' },
  'level-invalid': { status: 422, meaning: 'The publication ladder or one of its levels is not what a ladder records: 1-20 levels, each with a key, a name and a rank (`field`).', action: FIX },
  'level-key-duplicate': { status: 422, meaning: 'A level key appears twice in the ladder.', action: FIX },
  'level-rank-not-ascending': { status: 422, meaning: 'Levels are listed from the lowest rank up, ranks strictly increasing.', action: FIX },

  // ---- reporting: drafts --------------------------------------------------------------------------------------
  'draft-exists': { status: 409, meaning: 'A draft with this id already exists.', action: 'Use another draftId, or read the existing draft.' },
  'draft-not-found': { status: 409, meaning: 'The draft does not exist.', action: 'Create the draft first.' },
  'draft-not-editable': { status: 409, meaning: 'Edit or submit when the draft is neither a draft nor returned for revision (`draftStatus`).', action: RELOAD },
  'draft-not-in-review': { status: 409, meaning: 'Approve, return or reject when the draft is not in review (`draftStatus`).', action: RELOAD },
  'review-held-for-secrecy-authority': { status: 409, meaning: 'The draft waits for the secrecy authority\'s (机要和保密局) answer on a referred step (R7.12): no decision on the step until it is recorded (`currentStep`).', action: 'Record the answer (POST …/steps/{stepIndex}/secrecy-authority-answer), then decide.' },
  'draft-not-referred': { status: 409, meaning: 'A secrecy-authority answer is recorded only on a draft referred to the authority (`draftStatus`).', action: RELOAD },
  'draft-not-signed-off': { status: 409, meaning: 'Publication, adoption, rating, instruction or retraction before sign-off, or after rejection (`draftStatus`).', action: RELOAD },
  'draft-unit-unknown': { status: 422, meaning: 'The draft\'s unit does not exist.', action: 'Name an existing unit.' },
  'draft-unit-dissolved': { status: 422, meaning: 'The draft\'s unit is dissolved: no new drafts and no submissions.', action: 'Report for an active unit.' },
  'draft-content-invalid': { status: 422, meaning: 'The content a draft would record breaks its invariants (`field`), checked by the decider beside request validation.', action: FIX },
  'review-chain-tie': { status: 422, meaning: 'Two policies in force prescribe review chains of equal precedence for this draft (`policies`).', action: 'Ask an administrator to publish a version that sets their priority.' },
  'no-review-chain': { status: 422, meaning: 'No policy in force gives a review chain for this draft (importance, destination, content type, unit type).', action: 'Ask the policy owners to publish a policy covering it.' },
  'content-type-unknown': { status: 422, meaning: 'The content type is not defined by the policy in force (`field` contentType).', action: 'Use a content type of the policy in force (GET /v1/policies).' },
  'review-step-moved': { status: 409, meaning: 'The step in the path is not the step waiting for a decision.', action: 'GET the draft, read currentStep and decide on that step.' },
  'author-may-not-review': { status: 422, meaning: 'An author never reviews their own draft.', action: 'Another reviewer decides the step.' },
  'two-person-check': { status: 422, meaning: 'No one approves two steps of one draft (至少两人核对).', action: 'Another reviewer decides the step.' },
  'confidentiality-verdict-required': { status: 422, meaning: 'The confidentiality review (保密审查) records a verdict.', action: 'Send `verdict` with the approval.' },
  'verdict-outside-confidentiality-review': { status: 422, meaning: 'Only the confidentiality review records a verdict.', action: 'Drop `verdict` on this step.' },
  'return-needs-comments': { status: 422, meaning: 'A return for revision says what to revise.', action: 'Send non-empty `comments`.' },
  'reject-needs-reason': { status: 422, meaning: 'A rejection gives its reason.', action: 'Send a non-empty `reason`.' },
  'retraction-needs-reason': { status: 422, meaning: 'A retraction gives its reason.', action: 'Send a non-empty `reason`.' },
  'confidentiality-review-missing': { status: 422, meaning: 'Nothing is published before the confidentiality review says it may be.', action: 'Wait for the confidentiality review.' },
  'confidentiality-blocks-publication': { status: 422, meaning: 'The confidentiality review decided the draft may not be published on a channel.', action: 'Do not publish it; other outcomes may still be recorded.' },
  'confidentiality-blocks-adoption': { status: 422, meaning: '"Not to be published": no adoption by a publication the policy marks public, nor any the policy blocks.', action: 'Do not record it; the policy in force at submission says what else is blocked.' },
  'confidentiality-blocks-excellent-rating': { status: 422, meaning: '"Not to be published", and the policy blocks excellent ratings after it.', action: 'Do not record it; the policy in force at submission says what is blocked.' },
  'confidentiality-blocks-instruction': { status: 422, meaning: '"Not to be published", and the policy blocks leader instructions after it.', action: 'Do not record it; the policy in force at submission says what is blocked.' },
  'already-published-on-channel': { status: 409, meaning: 'The draft is already published on this channel.', action: 'Nothing to do; read the draft\'s outcomes.' },
  'excellent-requires-adoption': { status: 422, meaning: 'Only an item adopted at a level is rated excellent there (`field` levelKey).', action: 'Record the adoption at that level first.' },
  'instruction-requires-adoption': { status: 422, meaning: 'A leader instruction is recorded only at a level where the item was adopted (`field` levelKey).', action: 'Record the adoption at that level first.' },
  // ---- reporting: commissions -----------------------------------------------------------------------------------
  'commission-exists': { status: 409, meaning: 'A commission with this id already exists.', action: 'Use another commissionId, or read the existing one.' },
  'commission-not-found': { status: 409, meaning: 'The commission does not exist.', action: 'Check the commissionId.' },
  'commission-already-cancelled': { status: 409, meaning: 'The commission is already cancelled.', action: 'Nothing to do; read the commission.' },
  'commission-deadline-elapsed': { status: 409, meaning: 'The commission\'s deadline has elapsed (DeadlineElapsed is in its stream): the units\' outcome stands and it can no longer be cancelled.', action: 'Nothing to cancel; read the commission\'s outcome.' },
  'commission-cancelled': { status: 422, meaning: 'The draft answers a commission that was cancelled.', action: 'Answer an open commission, or none.' },
  'commission-deadline-past': { status: 422, meaning: 'A commission\'s deadline must be in the future.', action: FIX },
  'commission-unit-unknown': { status: 422, meaning: 'Some commissioned units do not exist or are dissolved.', action: 'List active units only.' },
  'commission-unknown': { status: 422, meaning: 'The draft names a commission that does not exist.', action: 'Check the commissionId.' },
  'commission-not-for-unit': { status: 422, meaning: 'The commission was not issued to the draft\'s unit.', action: 'Answer a commission issued to the unit.' },
  // ---- policies -------------------------------------------------------------------------------------------------
  'policy-invalid': { status: 422, meaning: 'The policy document breaks the schema or its own rules; `problems` lists `{path, message}` (JSON paths).', action: 'Fix the document (POST /v1/policies/validate is a dry run).' },
  'policy-chain-tie': { status: 422, meaning: 'A review chain of the version would tie with another policy\'s chain for the same scope and priority (`conflictsWith` names the other policy, version and chain).', action: 'Give one chain a different priority or a narrower scope.' },
  'policy-version-sequence': { status: 422, meaning: 'Policy versions are drafted in sequence: the document names the wrong next version.', action: 'Draft the version the detail names.' },
  'policy-version-published': { status: 409, meaning: 'The version is already published (or superseded): it does not change.', action: 'Draft a new version.' },
  'policy-version-unknown': { status: 409, meaning: 'The policy has no such version.', action: 'Check the version (GET /v1/policies).' },
  // ---- operations -----------------------------------------------------------------------------------------------
  'dead-letter-resolved': { status: 409, meaning: 'The dead letter is already resolved.', action: 'Nothing to do.' },
  'read-build-unknown': { status: 404, meaning: 'X-Read-Build names a build that does not exist, was dropped or retired (`buildId`).', action: 'List the builds (GET /v1/ops/builds) and name one of them, or drop the header to read the live build.' },
  'read-build-below-min-position': { status: 422, meaning: 'X-Read-Build names an as-of build whose target position is below X-Min-Position: it will never show that position (`buildId`, `targetPosition`, `minPosition`).', action: 'Drop X-Min-Position for an as-of read, or start a build whose target is at or after the position you need.' },
  'read-build-mismatch': { status: 422, meaning: 'X-Read-Build names a build of a projection this operation does not read (`buildId`, `projection`, `reads`).', action: 'Name a build of one of the projections in `reads`, or read that build through an operation that reads its projection.' },
  'read-not-caught-up': { status: 503, meaning: 'The read model(s) this operation reads had not applied X-Min-Position within the bound (`minPosition`, `behind` lists each build and its position); Retry-After says when to retry.', action: 'Retry after Retry-After seconds; a position far beyond GET /v1/ops/projections headPosition will not be reached.' },
  'dead-letter-build-retired': { status: 409, meaning: 'The build the dead letter belongs to no longer runs; its successor applies the event.', action: 'Nothing to do; watch the new build.' },
  'build-parameter-unknown': { status: 422, meaning: 'A shadow build names a parameter the projection does not take (`field` names it, `known` lists the ones it takes).', action: FIX },
  'build-parameter-invalid': { status: 422, meaning: 'A shadow build parameter\'s value is refused by the projection\'s check (`field` names it; the detail says why).', action: FIX },
  'build-target-invalid': { status: 422, meaning: 'A shadow build\'s targetPosition is not a position of the log (0 or more).', action: FIX },
  'build-ttl-invalid': { status: 422, meaning: 'A shadow build\'s ttlSeconds is not a whole number of seconds above 0.', action: FIX },
  'build-not-shadow': { status: 409, meaning: 'Only shadow builds can be dropped; the build named is live, rebuilding or retired (`state`).', action: 'Name a shadow build (GET /v1/ops/projections lists them).' },
  'effect-not-failed': { status: 409, meaning: 'Only a failed reactor effect can be retried; this one is pending (the dispatcher delivers it) or performed.', action: 'Check its status (GET /v1/ops/effects).' },
  // ---- rewards: what-if runs and recomputations -------------------------------------------------------------------
  'comparison-exists': { status: 409, meaning: 'A comparison with this id was already started (the same Idempotency-Key answers it without a second run).', action: 'Read it: GET /v1/rewards/comparisons/{runId}.' },
  'comparison-not-done': { status: 409, meaning: 'The comparison\'s builds have not both reached their position yet (`status`: running or expired): there is no diff to export.', action: 'Poll GET /v1/rewards/comparisons/{runId} until status is done; an expired one must be run again.' },
  'policy-version-not-published': { status: 422, meaning: 'The policy version named was never published: there is no publication to recompute.', action: 'Name a published version (GET /v1/policies), or run a what-if for a draft.' },
  // ---- rewards: payout periods and the ledger (stream `payouts`) ---------------------------------------------------
  'payout-period-exists': { status: 409, meaning: 'A payout period with this id exists with other dates (`periodId`).', action: 'Choose another id, or open it with its recorded dates (idempotent).' },
  'payout-period-overlaps': { status: 422, meaning: 'A payout period must start after the last one ends (`periodId` names the last one).', action: 'Start the new period the day after the last one ends.' },
  'payout-period-unknown': { status: 422, meaning: 'No payout period has this id.', action: 'Open the period first (POST /v1/payouts/periods), or check the id.' },
  'payout-period-closed': { status: 409, meaning: 'The payout period is closed: its statement is a recorded fact and never changes.', action: 'Later changes appear as adjustments in the next open period.' },
  'payout-period-earlier-open': { status: 422, meaning: 'An earlier payout period is still open (`periodId`): periods close in order.', action: 'Close the earlier period first.' },
  'payout-period-not-closed': { status: 422, meaning: 'Payouts are recorded against a closed period\'s statement.', action: 'Close the period first.' },
  'payout-exceeds-balance': { status: 422, meaning: 'The payout is larger than the payee\'s balance (`balanceFen`): closed statements less what was paid.', action: 'Pay at most the balance; check the ledger.' },
  'payout-reference-reused': { status: 409, meaning: 'The payment reference already records another payout.', action: 'Use the payment\'s own reference; the same payout sent again is answered without a second record.' },
  // ---- rewards: engagement metrics (POST /v1/metrics answers these per item, inside a 200) -----------------------
  'draft-retracted': { status: 422, meaning: 'The draft was retracted (DraftRetracted): its publications take no further metrics.', action: 'Drop the observations of the retracted item.' },
  'metrics-before-publication': { status: 422, meaning: 'observedAt is before the publication\'s publishedAt (`publishedAt`).', action: 'Check the observation\'s time and the publication it names.' },
  'metrics-in-the-future': { status: 422, meaning: 'observedAt is more than 5 minutes after the server\'s time (`now`).', action: 'Send observations once they were made; check the exporter\'s clock.' },
  'metrics-count-invalid': { status: 422, meaning: 'A count (`field`: reads, reposts, interactions, followers) is not a non-negative whole number within 2^53.', action: FIX },
  'metrics-source-invalid': { status: 422, meaning: 'source (where the counts come from) is blank or longer than 100 characters.', action: FIX },
  'metrics-observed-at-invalid': { status: 422, meaning: 'observedAt is not an instant.', action: FIX },
  'metrics-publication-mismatch': { status: 422, meaning: 'The metrics stream holds another publication\'s observations (an internal inconsistency).', action: 'Report it to the operators with the publicationId.' },
  // ---- rewards: exports (CSV, XLSX) ----------------------------------------------------------------------------
  'export-too-large': { status: 422, meaning: 'The export would hold more rows than an export may (`limit`, 50,000; `rows` when known): it is refused, never cut short.', action: 'Narrow the request (a shorter period, a payee, a unit or a family) or export it in parts.' },
  // ---- compliance: individual appraisal (stream `appraisal-<memberId>-<periodKey>`, R4.44, §8.1) ---------------
  'appraisal-rule-missing': { status: 422, meaning: 'No institution-wide policy in force on the period\'s last day has an appraisal rule (`periodKey`).', action: 'Publish a policy with an `appraisal` rule covering the period, or check the period key.' },
  'appraisal-item-unknown': { status: 422, meaning: 'The appraisal rule in force has no item `ruleItemId` (`items` lists the recorded ones).', action: FIX },
  'appraisal-item-counted': { status: 422, meaning: 'The item is counted from the log (per_adoption, per_instruction, per_late_report): it cannot be recorded by hand.', action: 'Record the fact itself (the adoption, instruction or report); the appraisal counts it.' },
  'appraisal-value-out-of-range': { status: 422, meaning: 'A score or an item\'s points are outside what the rule allows (`field`; `min`, `max`): reviews 0 to the base, items within [min, max], no points for an item with an occurrence schedule.', action: FIX },
  'appraisal-evidence-required': { status: 422, meaning: 'The item needs evidence (`field`: evidence): bonuses need a written reason and evidence (R4.44), and so do items marked evidenceRequired.', action: 'Send at least one evidence reference (an attachment sha256 or a document number).' },
  'appraisal-item-retracted': { status: 409, meaning: 'The appraisal entry is already retracted.', action: RELOAD },
  // ---- compliance: bulletins (通报, stream `bulletin-<period>-<key>`) ------------------------------------------
  'bulletin-period-not-offered': { status: 422, meaning: 'No policy in force has a bulletin rule for this kind of period (`period`; `offered` lists those that are).', action: 'Ask for a period the bulletin rule lists, or publish a policy whose `bulletins.periods` includes it.' },
  // ---- incidents (stream `incident-<incidentId>`, regulations §5; helper A of issue 11) -------------------------
  'incident-exists': { status: 409, meaning: 'An incident with this id already exists.', action: 'Use another incidentId, or read the existing incident.' },
  'incident-closed': { status: 409, meaning: 'The incident is closed: it takes no further reports, escalations or instructions.', action: 'Nothing to do; read the incident and its history.' },
  'incident-no-policy': { status: 422, meaning: 'No policy in force for the reporting unit\'s type at occurredAt has incident rules (`unitType`, `date`).', action: 'Publish a policy with `incidentRules` covering the unit type and date.' },
  'incident-unit-unknown': { status: 422, meaning: 'The reporting unit (`unitId`) does not exist or is dissolved.', action: 'Report for an active unit.' },
  'incident-category-unknown': { status: 422, meaning: 'categoryKey is not a category of the incident tree of the policy in force.', action: 'Choose a category of the policy (GET /v1/policies/{policyId}/versions/{version}).' },
  'incident-elements-missing': { status: 422, meaning: 'The report lacks elements the policy requires (R5.25: requiredElements); `fields` and `errors` name each missing request field.', action: FIX },
  'incident-times-out-of-order': { status: 422, meaning: 'The times are not in order: occurredAt <= discoveredAt <= reportedAt <= now (and 立案 not before the incident nor in the future); `field` names the one out of order.', action: FIX },
  'incident-written-report-filed': { status: 409, meaning: 'The written report (书面报告) is already filed.', action: 'Send a follow-up report (续报) instead.' },
  'incident-final-report-filed': { status: 409, meaning: 'The final report (终报) is already filed: no further follow-up or final report.', action: 'Close the incident, or read it.' },
  'incident-final-report-missing': { status: 409, meaning: 'An incident closes only after its final report (终报).', action: 'File the final report first.' },
  'incident-wording-required': { status: 422, meaning: 'The policy asks for one unified wording (统一口径, R5.27) with the approval of an external report.', action: FIX },
  'incident-external-approval-required': { status: 409, meaning: 'A report that leaves the institution needs the principal leader\'s approval with a unified wording first (the policy\'s externalReport, R5.27).', action: 'Have a leader approve it (POST /v1/incidents/{id}/external-approval), then escalate.' },
  'incident-escalation-not-upward': { status: 422, meaning: 'toUnitId is not above the unit where the incident now sits (its ancestors in the unit tree).', action: 'Escalate to a unit above the current level.' },
  'incident-escalation-skips-levels': { status: 422, meaning: 'The escalation would skip levels (`skippedUnitIds`): the policy escalates level by level, or allows skipping in an emergency only (R5.32, `escalation`).', action: 'Escalate to the parent unit, or (where the policy allows it) mark the request emergency.' },
  'incident-escalation-recipient-required': { status: 422, meaning: 'A report that leaves the institution (no toUnitId) names its recipient.', action: FIX },
  'incident-level-changed': { status: 409, meaning: 'The incident moved to another level between the read of the unit tree and the decision.', action: RELOAD },
  'incident-instruction-exists': { status: 409, meaning: 'An instruction with this id already exists on the incident.', action: 'Use another instructionId.' },
  'incident-case-already-filed': { status: 409, meaning: 'A case (立案) is already filed for the incident.', action: 'Read the incident; file the case report when due.' },
  'incident-case-not-filed': { status: 409, meaning: 'No case (立案) is filed for the incident: there is no case report to file.', action: 'File the case first (POST /v1/incidents/{id}/case).' },
  'incident-case-already-reported': { status: 409, meaning: 'The case report is already filed.', action: 'Nothing to do; read the incident.' },
  // ---- notifications and webhooks (催报 reminders, issue 11 item 3; helper B) ---------------------------------
  'webhook-exists': { status: 409, meaning: 'A webhook with this id is already registered (or was, and was removed).', action: 'Register it under another webhookId, or list the webhooks.' },
  'webhook-url-invalid': { status: 422, meaning: 'The webhook url is not an absolute http:// or https:// URL (no credentials in it).', action: FIX },
  // ---- audit: the hash chain and audit bundles (issue 12 item 3, docs/audit.md) ---------------------------------
  'chain-broken': { status: 409, meaning: 'The hash chain is broken between the last checkpoint and the head (`breaks`: position, kind, detail): no checkpoint is signed past a break.', action: 'Run GET /v1/audit/chain/verify, investigate the first break (docs/audit.md, "When verification fails") and restore the log from a backup.' },
  'as-of-beyond-head': { status: 422, meaning: 'The as-of position is beyond the log\'s settled head, or nothing was recorded at or before `at` (`field`, `head`).', action: FIX },
  'as-of-parameter-missing': { status: 422, meaning: 'The report needs this parameter (`field`): leaderboard from and to; compliance and bulletin period and key.', action: FIX },
  'as-of-build-failed': { status: 422, meaning: 'An as-of build stopped on a dead letter (`buildId`): the report cannot be computed from it.', action: 'Look at GET /v1/ops/dead-letters, fix the cause and retry the letter, or drop the build and ask again.' },
  'as-of-building': { status: 503, meaning: 'The as-of builds have not reached the position yet (`builds`: their progress).', action: 'Ask again after Retry-After: the same request reuses the builds it started.' },
  'position-range-invalid': { status: 422, meaning: 'The position range is empty or reversed (`after` must be below `upTo`).', action: FIX },
  // ---- personal data (issue 12 item 5, docs/audit.md "Personal data") -------------------------------------------
  'person-erased': { status: 422, meaning: 'The personal data of this person was erased (`subjectId`, `erasedAt`): no new personal data of theirs is stored (`fields`).', action: 'Send the request without the personal fields, or register the person anew under another id if they return.' },
  'personal-data-unknown': { status: 404, meaning: 'No personal data of this id is held (`subjectId`): nothing to reveal.', action: 'Check the id (a member id, or the subject of a credit record).' },
  // ---- credit information reporting (issue 12 item 6, 信用信息上报 R6.01-R6.06, docs/credit.md) ----------------------
  'credit-record-exists': { status: 409, meaning: 'A credit record with this id already exists.', action: 'Use another recordId, or read the record.' },
  'credit-record-state': { status: 409, meaning: 'The record\'s state does not allow the command (`status`, `allowed`): e.g. correcting a record that was not returned, approving an approved one.', action: RELOAD },
  'credit-unit-unknown': { status: 422, meaning: 'The collecting unit (`unitId`) does not exist or is dissolved.', action: 'Submit for an active unit.' },
  'credit-category-unknown': { status: 422, meaning: 'category is not a category of the record kind (R6.03: public basic_info, commendation, administrative_penalty, major_event; personal basic_info, credit_record, property_status, social_relationship).', action: FIX },
  'credit-subject-person-required': { status: 422, meaning: 'A personal credit record names the person it is about (subjectPersonId).', action: FIX },
  'credit-subject-name-required': { status: 422, meaning: 'A credit record names its subject (name: 名称 or 姓名, R6.04).', action: FIX },
  'credit-field-invalid': { status: 422, meaning: 'A field is given in a wrong form (R6.02 准确): unified social credit code or ID number without a valid check character, a date, an enumerated value, a decision in the future, validity before the decision; `field` names it.', action: FIX },
  'credit-field-not-applicable': { status: 422, meaning: 'A field does not belong to a record of this kind and category (R6.04; `applicable` lists those that do); `field` names it.', action: FIX },
  'credit-return-reasons-required': { status: 422, meaning: 'A return for correction (退回修改) gives at least one reason, each naming a field.', action: FIX },
  'credit-return-field-unknown': { status: 422, meaning: 'A return reason names a field the record does not have (`applicable` lists those it has, or `record` for the whole).', action: FIX },
  'credit-review-own-record': { status: 422, meaning: 'The collector who submitted the record cannot approve it (R6.05: collector and user are distinct roles).', action: 'Have another reviewer approve it.' },
  'credit-review-checklist-incomplete': { status: 422, meaning: 'Approval confirms truth, accuracy and completeness (R6.02, R6.06 step 2): every checklist item must be true; `errors` names those that are not.', action: 'Confirm each check, or return the record for correction.' },
  'credit-record-incomplete': { status: 422, meaning: 'The record lacks required fields (R6.02 完整, R6.04; `fields`): it cannot be approved.', action: 'Return it for correction (POST /v1/credit/records/{recordId}/return).' },
  'credit-upload-not-failed': { status: 409, meaning: 'Only a record whose upload failed is retried by hand (its `status` is another).', action: 'Wait for the outbox\'s own retries, or read the record.' },
} as const satisfies Record<string, ProblemTypeEntry>;

export type ProblemCode = keyof typeof PROBLEM_CATALOGUE;

/**
 * Rule ids a policy document declares (its hard limits and quality rules, e.g. `wechat-length`) answer 422 with
 * the id as the code: they are policy data, not code, so the catalogue names them as one family.
 */
export const POLICY_RULE_FAMILY = {
  code: '<policy rule id>',
  status: 422 as ProblemStatus,
  meaning: 'A hard rule of the policy in force refuses the submission (length limit, forbidden words …); `rule` is the rule id of the policy, `violations` lists them all.',
  action: 'Revise the draft as the detail says; GET /v1/policies/{policyId}/versions/{version} shows the rules.',
};

export function isProblemCode(code: string): code is ProblemCode {
  return Object.prototype.hasOwnProperty.call(PROBLEM_CATALOGUE, code);
}

export function problemStatuses(code: ProblemCode): readonly ProblemStatus[] {
  const status = (PROBLEM_CATALOGUE[code] as ProblemTypeEntry).status;
  return typeof status === 'number' ? [status] : status;
}

export const problemTypeUri = (code: string): string => `${PROBLEM_TYPE_PREFIX}${code}`;

/** The catalogue as the markdown table docs/api.md keeps between its problem-catalogue markers. */
export function renderProblemCatalogue(): string {
  const cell = (s: string) => s.replace(/\|/g, '\\|');
  const rows = Object.entries(PROBLEM_CATALOGUE as Record<string, ProblemTypeEntry>).map(
    ([code, e]) => `| \`${code}\` | ${problemStatuses(code as ProblemCode).join(', ')} | ${cell(e.meaning)} | ${cell(e.action)} |`,
  );
  rows.push(`| \`${POLICY_RULE_FAMILY.code}\` | ${POLICY_RULE_FAMILY.status} | ${cell(POLICY_RULE_FAMILY.meaning)} | ${cell(POLICY_RULE_FAMILY.action)} |`);
  return ['| type (`urn:baosong:problem:` + code) | status | meaning | what the client does |', '|---|---|---|---|', ...rows].join('\n');
}
