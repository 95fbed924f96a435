/**
 * The JSON Schema of policy documents (draft 2020-12), published at GET /v1/policies/schema so admins get
 * completion and checks in their editors. Semantic checks that a schema cannot express (ascending ranks, unique
 * rule ids, known roles in chains …) are in validate-policy.ts.
 */
const key = { type: 'string', pattern: '^[a-z][a-z0-9_-]{0,49}$' } as const;
const id = { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]{0,79}$' } as const;
const date = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$' } as const;
const keys = { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true } as const;
const boundary = { enum: ['inclusive', 'exclusive'], description: 'Whether 以上/以下 include the boundary' } as const;
const role = {
  enum: ['reporter', 'unit_head', 'leader_in_charge', 'principal_leader', 'office_reviewer', 'confidentiality_reviewer', 'duty_officer', 'finance', 'auditor', 'administrator'],
} as const;
const payee = { enum: ['first_author', 'recommender', 'operating_team', 'unit'] } as const;
const period = { enum: ['day', 'week', 'month', 'quarter', 'semester', 'year'] } as const;
const severity = { enum: ['hard', 'soft'] } as const;
const fen = { type: 'integer', minimum: 0, description: 'Money in integer fen (1 yuan = 100 fen)' } as const;

export const POLICY_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://baosong.dev/schemas/policy.json',
  title: 'Baosong policy document',
  type: 'object',
  additionalProperties: false,
  required: ['id', 'version', 'title', 'rationale', 'effectiveFrom', 'scope', 'rules'],
  properties: {
    $schema: { type: 'string' },
    id,
    version: { type: 'integer', minimum: 1 },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    rationale: { type: 'string', maxLength: 10000 },
    source: { type: 'string', maxLength: 100 },
    effectiveFrom: date,
    effectiveTo: { anyOf: [date, { type: 'null' }] },
    priority: {
      type: 'integer',
      minimum: 0,
      maximum: 1000,
      description: 'Precedence among policies of equal scope specificity (higher wins; default 0); see docs/adr/0010-policy-precedence.md',
    },
    scope: {
      type: 'object',
      additionalProperties: false,
      required: ['unitTypes'],
      properties: { unitTypes: { ...keys, minItems: 1, description: '["*"] for the whole institution' } },
    },
    calendar: {
      type: 'object',
      additionalProperties: false,
      properties: { timeZone: { type: 'string', minLength: 1 }, holidays: { type: 'array', items: date }, workdays: { type: 'array', items: date } },
    },
    rules: {
      type: 'object',
      additionalProperties: false,
      properties: {
        contentTypes: { type: 'array', items: { type: 'object', additionalProperties: false, required: ['key', 'name'], properties: { key, name: { type: 'string', minLength: 1 } } } },
        formFields: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['key', 'name', 'required'],
            properties: { key: { type: 'string', pattern: '^[a-zA-Z][a-zA-Z0-9_]{0,49}$' }, name: { type: 'string' }, required: { type: 'boolean' }, contentTypes: keys },
          },
        },
        lengthLimits: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'platform', 'contentTypes', 'maxChars', 'severity'],
            properties: {
              id,
              platform: { type: 'string', minLength: 1 },
              contentTypes: keys,
              importance: { enum: ['general', 'important', '*'] },
              maxChars: { type: 'integer', minimum: 1 },
              unlessLongForm: { type: 'boolean' },
              severity,
            },
          },
        },
        qualityRules: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'kind', 'severity', 'message'],
            properties: {
              id,
              kind: { enum: ['forbidden-words', 'figures-without-units', 'one-event-per-report'] },
              words: { type: 'array', items: { type: 'string', minLength: 1 } },
              maxEvents: { type: 'integer', minimum: 1 },
              severity,
              message: { type: 'string' },
            },
            additionalProperties: false,
          },
        },
        reviewChains: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'when', 'steps', 'rules'],
            properties: {
              id,
              when: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  unitTypes: keys,
                  contentTypes: keys,
                  importance: { type: 'array', items: { enum: ['general', 'important'] } },
                  destination: { type: 'array', items: { enum: ['internal', 'external'] } },
                },
              },
              steps: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['key', 'name', 'role', 'signature'],
                  properties: { key, name: { type: 'string', minLength: 1 }, role, signature: { enum: ['none', 'signature', 'seal'] }, confidentiality: { type: 'boolean' } },
                },
              },
              rules: {
                type: 'object',
                additionalProperties: false,
                required: ['twoPersonCheck', 'authorMayNotReview', 'confidentialityBeforePublication', 'onReturn'],
                properties: {
                  twoPersonCheck: { type: 'boolean' },
                  authorMayNotReview: { type: 'boolean' },
                  confidentialityBeforePublication: { type: 'boolean' },
                  onReturn: { enum: ['restart', 'returning_step'] },
                },
              },
            },
          },
        },
        deadlines: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'appliesTo', 'from', 'deadline'],
            properties: {
              id,
              appliesTo: { type: 'object', additionalProperties: false, properties: { contentTypes: keys, kind: { type: 'string' } } },
              from: { enum: ['event', 'submission', 'publication', 'period_end'] },
              deadline: { $ref: '#/$defs/deadline' },
            },
          },
        },
        itemRewards: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'when', 'payee'],
            properties: {
              id,
              when: {
                type: 'object',
                additionalProperties: false,
                properties: {
                  platforms: keys,
                  levels: keys,
                  contentTypes: keys,
                  source: { type: 'array', items: { enum: ['original', 'repost'] } },
                  length: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['boundary'],
                    properties: { min: { type: 'integer', minimum: 0 }, max: { type: 'integer', minimum: 0 }, boundary },
                  },
                },
              },
              points: { type: 'number', minimum: 0 },
              amountFen: fen,
              payee,
              qualityMultiplier: { type: 'number', minimum: 1 },
              requires: {
                type: 'object',
                additionalProperties: false,
                properties: { formComplete: { type: 'boolean' }, published: { type: 'boolean' }, exclusiveFirstRelease: { type: 'boolean' } },
              },
            },
          },
        },
        adoptionLadder: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'mode', 'levels', 'payee'],
          properties: {
            id,
            mode: { enum: ['cumulative', 'ladder'] },
            submitted: { type: 'number', minimum: 0 },
            levels: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['levelKey', 'adopted'],
                properties: { levelKey: key, adopted: { type: 'number', minimum: 0 }, excellent: { type: 'number', minimum: 0 }, instructed: { type: 'number', minimum: 0 } },
              },
            },
            payee,
          },
        },
        engagementTiers: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'platforms', 'metric', 'basis', 'step', 'amountFenPerStep', 'windowDays', 'boundary', 'payee'],
            properties: {
              id,
              platforms: { ...keys, minItems: 1 },
              metric: { enum: ['reads', 'reposts', 'interactions'] },
              basis: { enum: ['relative_to_followers', 'absolute'] },
              step: { type: 'number', exclusiveMinimum: 0 },
              amountFenPerStep: fen,
              capFen: fen,
              once: { type: 'boolean' },
              windowDays: { type: 'integer', minimum: 1 },
              boundary,
              payee,
              group: { type: 'string' },
              requires: { type: 'object', additionalProperties: false, properties: { source: { type: 'array', items: { enum: ['original', 'repost'] } } } },
            },
          },
        },
        rankingPrizes: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'period', 'scope', 'prizesFen'],
            properties: { id, period, scope: { enum: ['unit', 'member'] }, platforms: keys, prizesFen: { type: 'array', minItems: 1, items: fen } },
          },
        },
        quotas: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['id', 'unitTypes', 'period', 'minimum', 'counts', 'boundary'],
            properties: {
              id,
              unitTypes: { ...keys, minItems: 1 },
              period,
              minimum: { type: 'integer', minimum: 0 },
              counts: {
                type: 'object',
                additionalProperties: false,
                required: ['outcome'],
                properties: { contentTypes: keys, minLevel: key, ownUnitOnly: { type: 'boolean' }, outcome: { enum: ['submitted', 'adopted', 'published'] } },
              },
              boundary,
            },
          },
        },
        penalties: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'kind'],
            additionalProperties: false,
            properties: {
              id,
              kind: { enum: ['per_missing_item', 'step_schedule', 'consecutive_miss_escalation', 'per_late_report'] },
              quotaId: id,
              points: { type: 'number' },
              steps: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  properties: { misses: { type: 'integer', minimum: 1 }, consecutive: { type: 'integer', minimum: 1 }, points: { type: 'number' }, action: { type: 'string' } },
                },
              },
            },
          },
        },
        incidentRules: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'categories', 'firstReport', 'writtenReport', 'lateAfter', 'concealedAfter', 'escalation'],
          properties: {
            id,
            categories: { type: 'array', items: { $ref: '#/$defs/incidentCategory' } },
            firstReport: { $ref: '#/$defs/deadline' },
            writtenReport: { $ref: '#/$defs/deadline' },
            followUpEvery: { $ref: '#/$defs/deadline' },
            lateAfter: { $ref: '#/$defs/deadline' },
            concealedAfter: { $ref: '#/$defs/deadline' },
            escalation: { enum: ['level_by_level', 'skip_allowed_in_emergencies'] },
            countFrom: { enum: ['occurred', 'discovered'], description: 'What the first report counts from (default occurred)' },
            caseReport: { $ref: '#/$defs/deadline' },
            remindBefore: { $ref: '#/$defs/deadline' },
            requiredElements: {
              type: 'object',
              additionalProperties: false,
              properties: { firstReport: { $ref: '#/$defs/incidentElements' }, writtenReport: { $ref: '#/$defs/incidentElements' } },
            },
            externalReport: {
              type: 'object',
              additionalProperties: false,
              required: ['leaderApproval', 'unifiedWording'],
              properties: { leaderApproval: { type: 'boolean' }, unifiedWording: { type: 'boolean' } },
            },
          },
        },
        compliance: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'periods'],
          properties: { id, periods: { type: 'array', minItems: 1, uniqueItems: true, items: period } },
        },
        appraisal: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'period', 'base', 'parts', 'components', 'items', 'bands'],
          properties: {
            id,
            period,
            base: { type: 'number', exclusiveMinimum: 0 },
            parts: {
              type: 'array',
              items: { type: 'object', additionalProperties: false, required: ['key', 'name', 'points'], properties: { key: { enum: ['public', 'business'] }, name: { type: 'string' }, points: { type: 'number', minimum: 0 } } },
            },
            components: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: false, required: ['key', 'name', 'weight'], properties: { key, name: { type: 'string' }, weight: { type: 'number', minimum: 0 } } },
            },
            items: {
              type: 'array',
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['id', 'part', 'name', 'kind'],
                properties: {
                  id,
                  part: { enum: ['public', 'business', 'bonus'] },
                  name: { type: 'string', minLength: 1 },
                  kind: { enum: ['recorded', 'per_adoption', 'per_instruction', 'per_late_report'] },
                  points: { type: 'number' },
                  min: { type: 'number' },
                  max: { type: 'number' },
                  levelKey: key,
                  evidenceRequired: { type: 'boolean' },
                  schedule: {
                    type: 'array',
                    items: { type: 'object', additionalProperties: false, required: ['occurrences', 'points'], properties: { occurrences: { type: 'integer', minimum: 1 }, points: { type: 'number' } } },
                  },
                },
              },
            },
            bands: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: false, required: ['key', 'name', 'min', 'boundary'], properties: { key, name: { type: 'string' }, min: { type: 'number' }, boundary } },
            },
          },
        },
        bulletins: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'periods'],
          properties: {
            id,
            periods: { type: 'array', minItems: 1, uniqueItems: true, items: period },
            institution: { type: 'string', minLength: 1, maxLength: 200 },
            title: { type: 'string', minLength: 1, maxLength: 200 },
          },
        },
        grading: {
          type: 'object',
          additionalProperties: false,
          required: ['id', 'scale', 'components', 'bands'],
          properties: {
            id,
            scale: { type: 'number', exclusiveMinimum: 0 },
            components: {
              type: 'array',
              minItems: 1,
              items: { type: 'object', additionalProperties: false, required: ['key', 'name', 'weight'], properties: { key, name: { type: 'string' }, weight: { type: 'number', minimum: 0 } } },
            },
            bands: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                additionalProperties: false,
                required: ['key', 'name', 'min', 'boundary'],
                properties: { key, name: { type: 'string' }, min: { type: 'number' }, boundary },
              },
            },
          },
        },
        confidentialityRelease: {
          type: 'object',
          additionalProperties: false,
          required: ['id'],
          description: 'What a "not to be published" confidentiality verdict blocks beyond channel publication (R7.10)',
          properties: {
            id,
            publicPublications: {
              type: 'array',
              items: { type: 'string', minLength: 1, maxLength: 200 },
              uniqueItems: true,
              description: 'Publications whose adoption is a public release (names as adoptions record them, without 《》)',
            },
            notToPublishAlsoBlocks: { type: 'array', items: { enum: ['adoption', 'excellent', 'instruction'] }, uniqueItems: true },
          },
        },
      },
    },
  },
  $defs: {
    deadline: {
      type: 'object',
      additionalProperties: false,
      required: ['unit', 'amount'],
      properties: {
        unit: { enum: ['minutes', 'hours', 'calendar_days', 'working_days', 'same_day', 'next_day', 'day_of_next_month'] },
        amount: { type: 'integer', minimum: 0 },
        at: { type: 'string', pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' },
      },
    },
    incidentCategory: {
      type: 'object',
      additionalProperties: false,
      required: ['key', 'name'],
      properties: {
        key,
        name: { type: 'string' },
        thresholds: {
          type: 'array',
          items: { type: 'object', additionalProperties: false, required: ['metric', 'min', 'boundary'], properties: { metric: { type: 'string' }, min: { type: 'number' }, boundary } },
        },
        severity: { enum: ['major', 'general'] },
        children: { type: 'array', items: { $ref: '#/$defs/incidentCategory' } },
      },
    },
    incidentElements: {
      type: 'array',
      uniqueItems: true,
      items: {
        enum: ['occurredAt', 'discoveredAt', 'place', 'unitsInvolved', 'peopleInvolved', 'course', 'casualties', 'directLoss', 'cause', 'measures', 'reportingUnit', 'signer', 'contact'],
      },
    },
  },
} as const;
