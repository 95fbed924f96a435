import { RuleViolation } from '@app/kernel';

/**
 * The fields of a credit record (信用信息, regulations R6.03/R6.04; source 002-A 二). A record is public (公共信用信息,
 * about a legal person or other organisation) or personal (个人信用信息, about a person); its category says which
 * R6.04 content it carries. Every field is a string (dates YYYY-MM-DD); absent or null means "not given yet": a
 * record may be submitted incomplete, its completeness (complete fields / required fields) is recorded, and the
 * reviewer cannot approve it until it is complete (R6.02 完整).
 */
export type CreditRecordKind = 'public' | 'personal';
export const CREDIT_RECORD_KINDS: readonly CreditRecordKind[] = ['public', 'personal'];

/** R6.03 scope: public — basic information, commendations and awards, administrative penalties, major events. */
export const PUBLIC_CATEGORIES = ['basic_info', 'commendation', 'administrative_penalty', 'major_event'] as const;
/** R6.03 scope: personal — basic information, credit record, property status, social relationships. */
export const PERSONAL_CATEGORIES = ['basic_info', 'credit_record', 'property_status', 'social_relationship'] as const;
export type CreditCategory = (typeof PUBLIC_CATEGORIES)[number] | (typeof PERSONAL_CATEGORIES)[number];
export const CREDIT_CATEGORIES: readonly CreditCategory[] = [...new Set<CreditCategory>([...PUBLIC_CATEGORIES, ...PERSONAL_CATEGORIES])];

export type CreditFieldName =
  // the subject (R6.04 basic information)
  | 'name' // 名称 (organisation) / 姓名 (person)
  | 'unifiedSocialCreditCode' // 统一社会信用代码
  | 'domicile' // 住所 (organisation)
  | 'legalRepresentative' // 法定代表人或者负责人
  | 'idCardNumber' // 身份证号码
  | 'address' // 住所 (person)
  // category content (R6.04)
  | 'honourTitle' // 表彰奖励: 荣誉称号或奖项
  | 'honourLevel' // 国家级、省级、市级、县级
  | 'violation' // 违法行为
  | 'penaltyType' // 处罚种类
  | 'legalBasis' // 处罚依据
  | 'penaltyResult' // 处罚结果
  | 'eventType' // 重大事件: 重大安全事故、重大环保违法事件、重大失信行为
  | 'activityType' // 信用记录: 贷款、信用卡、担保、租赁; 财产状况: 财产登记、资产评估、财产交易
  | 'relation' // 社交关系: 家庭成员、配偶、合作伙伴
  | 'description' // the facts of the event, activity, property or relationship
  // every record: what it says and where it comes from
  | 'content' // 信息内容 (summary)
  | 'sourceDocument' // 来源文书 (文号)
  | 'issuingAuthority' // 认定/作出机关
  | 'decisionDate' // 认定/决定日期
  | 'validUntil'; // 有效期至 (optional: absent means no end)

export type CreditFields = Partial<Record<CreditFieldName, string | null>>;

export const HONOUR_LEVELS = ['national', 'provincial', 'municipal', 'county'] as const;
export const MAJOR_EVENT_TYPES = ['major_safety_accident', 'major_environmental_violation', 'major_bad_faith'] as const;
export const CREDIT_ACTIVITY_TYPES = ['loan', 'credit_card', 'guarantee', 'lease'] as const;
export const PROPERTY_ACTIVITY_TYPES = ['property_registration', 'asset_valuation', 'property_transaction'] as const;
export const RELATIONS = ['family_member', 'spouse', 'business_partner'] as const;

const COMMON_REQUIRED: readonly CreditFieldName[] = ['content', 'sourceDocument', 'issuingAuthority', 'decisionDate'];
const COMMON_OPTIONAL: readonly CreditFieldName[] = ['validUntil'];

/** The R6.04 fields each kind and category requires (the completeness denominator), subject fields first. */
const REQUIRED: Record<CreditRecordKind, Partial<Record<CreditCategory, readonly CreditFieldName[]>>> = {
  public: {
    basic_info: ['name', 'unifiedSocialCreditCode', 'domicile', 'legalRepresentative'],
    commendation: ['name', 'unifiedSocialCreditCode', 'honourTitle', 'honourLevel'],
    administrative_penalty: ['name', 'unifiedSocialCreditCode', 'violation', 'penaltyType', 'legalBasis', 'penaltyResult'],
    major_event: ['name', 'unifiedSocialCreditCode', 'eventType', 'description'],
  },
  personal: {
    basic_info: ['name', 'idCardNumber', 'address'],
    credit_record: ['name', 'idCardNumber', 'activityType', 'description'],
    property_status: ['name', 'idCardNumber', 'activityType', 'description'],
    social_relationship: ['name', 'idCardNumber', 'relation', 'description'],
  },
};

/** The enumerated fields and their values, by kind and category. */
function allowedValues(kind: CreditRecordKind, category: CreditCategory, field: CreditFieldName): readonly string[] | null {
  if (field === 'honourLevel') return HONOUR_LEVELS;
  if (field === 'eventType') return MAJOR_EVENT_TYPES;
  if (field === 'relation') return RELATIONS;
  if (field === 'activityType') return kind === 'personal' && category === 'property_status' ? PROPERTY_ACTIVITY_TYPES : CREDIT_ACTIVITY_TYPES;
  return null;
}

export function isCategoryOf(kind: CreditRecordKind, category: string): category is CreditCategory {
  return (kind === 'public' ? (PUBLIC_CATEGORIES as readonly string[]) : (PERSONAL_CATEGORIES as readonly string[])).includes(category);
}

/** The required fields of a kind and category (R6.04 content, then the common fields). */
export function requiredFields(kind: CreditRecordKind, category: CreditCategory): readonly CreditFieldName[] {
  return [...(REQUIRED[kind][category] ?? []), ...COMMON_REQUIRED];
}

/** Every field a record of this kind and category may hold. */
export function applicableFields(kind: CreditRecordKind, category: CreditCategory): readonly CreditFieldName[] {
  return [...requiredFields(kind, category), ...COMMON_OPTIONAL];
}

const blank = (v: string | null | undefined): boolean => v === null || v === undefined || v.trim() === '';

export interface Completeness {
  readonly complete: number;
  readonly required: number;
  readonly missing: readonly CreditFieldName[];
}

/** Completeness (R6.02 完整): how many of the required fields are given. */
export function completenessOf(kind: CreditRecordKind, category: CreditCategory, fields: CreditFields): Completeness {
  const required = requiredFields(kind, category);
  const missing = required.filter((f) => blank(fields[f]));
  return { complete: required.length - missing.length, required: required.length, missing };
}

// ---- formats (R6.02 准确): checked at submission and correction ---------------------------------------------------

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015: 18 characters of 0-9 and A-Y without I, O, S, V, Z; the last is a check character (mod 31). */
export function isUnifiedSocialCreditCode(code: string): boolean {
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return false;
  const sum = USCC_WEIGHTS.reduce((acc, w, i) => acc + USCC_CHARS.indexOf(code[i]!) * w, 0);
  const check = (31 - (sum % 31)) % 31;
  return USCC_CHARS[check] === code[17];
}

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999: 17 digits (with a real birth date at 7-14) and an ISO 7064 MOD 11-2 check character (0-9 or X). */
export function isResidentIdNumber(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  if (!isDate(`${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`)) return false;
  const sum = ID_WEIGHTS.reduce((acc, w, i) => acc + Number(id[i]) * w, 0);
  return ID_CHECK[sum % 11] === id[17];
}

export function isDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

const invalid = (field: string, message: string) => new RuleViolation('credit-field-invalid', `${field}: ${message}`, { field, errors: [{ field, message }] });

/**
 * Refuses fields that do not belong to the kind and category (credit-field-not-applicable) or that are given in a
 * wrong form (credit-field-invalid: codes with their check character, dates, enumerations, decision not in the
 * future, validity not before the decision). `today` is the business date of the command. Returns the fields
 * trimmed, with blank ones dropped.
 */
export function checkFields(kind: CreditRecordKind, category: CreditCategory, fields: CreditFields, today: string): CreditFields {
  const applicable = applicableFields(kind, category);
  const out: CreditFields = {};
  for (const [key, raw] of Object.entries(fields) as [CreditFieldName, string | null | undefined][]) {
    if (blank(raw)) continue;
    if (!applicable.includes(key)) {
      throw new RuleViolation('credit-field-not-applicable', `${key} is not a field of a ${kind} ${category} record (R6.04)`, { field: key, errors: [{ field: key, message: `${key} does not apply to a ${kind} ${category} record` }], applicable });
    }
    out[key] = raw!.trim();
  }
  const v = (f: CreditFieldName) => out[f] ?? null;
  const uscc = v('unifiedSocialCreditCode');
  if (uscc !== null && !isUnifiedSocialCreditCode(uscc.toUpperCase())) throw invalid('unifiedSocialCreditCode', 'must be an 18-character unified social credit code (GB 32100) with a valid check character');
  if (uscc !== null) out.unifiedSocialCreditCode = uscc.toUpperCase();
  const id = v('idCardNumber');
  if (id !== null && !isResidentIdNumber(id.toUpperCase())) throw invalid('idCardNumber', 'must be an 18-character resident ID number (GB 11643) with a valid birth date and check character');
  if (id !== null) out.idCardNumber = id.toUpperCase();
  for (const f of ['honourLevel', 'eventType', 'activityType', 'relation'] as const) {
    const allowed = allowedValues(kind, category, f);
    const value = v(f);
    if (value !== null && allowed && !allowed.includes(value)) throw invalid(f, `must be one of ${allowed.join(', ')}`);
  }
  const decided = v('decisionDate');
  if (decided !== null && !isDate(decided)) throw invalid('decisionDate', 'must be a date (YYYY-MM-DD)');
  if (decided !== null && decided > today) throw invalid('decisionDate', `must not be after today (${today})`);
  const until = v('validUntil');
  if (until !== null && !isDate(until)) throw invalid('validUntil', 'must be a date (YYYY-MM-DD)');
  if (until !== null && decided !== null && until < decided) throw invalid('validUntil', 'must not be before decisionDate');
  return out;
}
