import {
  CREDIT_ACTIVITY_TYPES,
  type CreditCategory,
  type CreditFieldName,
  type CreditFields,
  creditIdempotencyKey,
  type CreditRecordApproved,
  type CreditRecordCommand,
  creditRecordDecider,
  type CreditRecordKind,
  creditRecordStream,
  type CreditRecordUploadRequested,
  type DueInput,
  type FieldReason,
  loadCreditConfig,
  MAJOR_EVENT_TYPES,
  PROPERTY_ACTIVITY_TYPES,
  RELATIONS,
  requiredFields,
} from '@app/credit';
import { WorkCalendar } from '@app/policies';
import { personName, PLACES } from '../names';
import type { Rng } from '../random';
import type { Activity, World } from '../world';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** Records a reporting unit collects in a business month, on average (Poisson). */
const RECORDS_PER_UNIT_MONTH = 1.1;
/** No new records in the last days of the span, so that most records are reviewed and uploaded inside it (as drafts.activity.ts). */
const QUIET_DAYS_AT_END = 10;

/** 枣庄 (0632): the administrative divisions of the city, for codes and ID numbers. */
const DIVISIONS = ['370402', '370403', '370404', '370405', '370406', '370481'];
const DISTRICTS = ['市中区', '薛城区', '峄城区', '台儿庄区', '山亭区', '滕州市'];
const BRANDS = ['宏达', '鑫源', '恒信', '华瑞', '金泰', '永安', '顺发', '德丰', '联创', '盛世', '嘉禾', '泰和'];
const TRADES = ['商贸有限公司', '建筑工程有限公司', '物流有限公司', '酒店管理有限公司', '网络科技有限公司', '娱乐有限公司', '物业服务有限公司', '化工有限公司'];
const STREETS = ['光明路', '建设路', '解放路', '文化路', '振兴路', '人民路', '民生路', '黄河路'];

const PENALTIES: readonly { violation: string; penaltyType: string; legalBasis: string; result: (rng: Rng) => string }[] = [
  { violation: '旅馆未按规定登记住宿旅客身份信息', penaltyType: '罚款', legalBasis: '《中华人民共和国治安管理处罚法》第五十六条第一款', result: (rng) => `罚款人民币${rng.int(2, 5) * 100}元` },
  { violation: '未落实单位内部治安保卫制度,存在重大治安隐患且逾期未整改', penaltyType: '警告', legalBasis: '《企业事业单位内部治安保卫条例》第十九条', result: () => '警告' },
  { violation: '娱乐场所未按规定建立从业人员名簿', penaltyType: '罚款', legalBasis: '《娱乐场所管理条例》第五十条', result: (rng) => `罚款人民币${rng.int(1, 5) * 1000}元` },
  { violation: '违规储存易燃易爆危险物品', penaltyType: '罚款、没收违法所得', legalBasis: '《中华人民共和国治安管理处罚法》第三十条', result: (rng) => `罚款人民币${rng.int(5, 20) * 1000}元,没收违法所得${rng.int(1, 30) * 100}元` },
  { violation: '公章刻制业未按规定核验刻制公章证明', penaltyType: '责令停业整顿', legalBasis: '《印铸刻字业暂行管理规则》第十条', result: (rng) => `责令停业整顿${rng.int(7, 30)}日` },
  { violation: '未经许可举办大型群众性活动', penaltyType: '罚款', legalBasis: '《大型群众性活动安全管理条例》第二十条', result: (rng) => `罚款人民币${rng.int(10, 50) * 1000}元` },
];
const HONOURS = ['平安单位', '治安保卫工作先进集体', '内部安全保卫先进单位', '警民共建先进单位', '见义勇为先进集体', '消防安全先进单位'];
const MAJOR_EVENTS: Readonly<Record<(typeof MAJOR_EVENT_TYPES)[number], string>> = {
  major_safety_accident: '生产经营场所发生火灾事故,造成人员受伤和较大财产损失',
  major_environmental_violation: '违规倾倒危险废物,造成周边水体污染',
  major_bad_faith: '以虚假材料骗取行政许可,被依法撤销',
};
const CREDIT_ACTIVITIES: Readonly<Record<(typeof CREDIT_ACTIVITY_TYPES)[number], (rng: Rng) => string>> = {
  loan: (rng) => `逾期未偿还个人经营贷款本息${rng.int(3, 80)}万元,经法院判决仍未履行`,
  credit_card: (rng) => `信用卡透支${rng.int(1, 20)}万元,经发卡银行两次催收超过三个月仍不归还`,
  guarantee: (rng) => `为他人借款${rng.int(10, 200)}万元提供连带责任担保,担保责任未履行`,
  lease: (rng) => `拖欠经营场所租金${rng.int(1, 12)}个月,经调解后仍未支付`,
};
const PROPERTIES: Readonly<Record<(typeof PROPERTY_ACTIVITY_TYPES)[number], string>> = {
  property_registration: '名下登记房产一处、机动车一辆,已依法查封',
  asset_valuation: '涉案财产经委托评估,评估价值已确认',
  property_transaction: '在案件办理期间转让名下房产,交易价格明显低于市场价',
};
const RELATIONSHIPS: Readonly<Record<(typeof RELATIONS)[number], string>> = {
  family_member: '与涉案企业实际控制人系直系亲属关系',
  spouse: '与失信被执行人系夫妻关系,共同财产已登记',
  business_partner: '与涉案企业法定代表人系合伙经营关系',
};

const PUBLIC: readonly (readonly [CreditCategory, number])[] = [['administrative_penalty', 4], ['basic_info', 2], ['commendation', 1.5], ['major_event', 0.5]];
const PERSONAL: readonly (readonly [CreditCategory, number])[] = [['basic_info', 2], ['credit_record', 1.5], ['property_status', 0.7], ['social_relationship', 0.5]];

/** What a reviewer says of a field found wrong (退回修改), and how the collector corrects it. */
const WRONG: Partial<Record<CreditFieldName, string>> = {
  penaltyResult: '处罚结果与行政处罚决定书不一致',
  sourceDocument: '来源文书文号有误,请与原件核对',
  decisionDate: '决定日期与来源文书不一致',
  content: '信息内容表述不规范,请按来源文书据实填写',
  domicile: '住所与营业执照登记不一致',
  address: '住所填写不完整,请写明街道门牌号',
  description: '情况描述过于简略,请补充事实经过',
  honourTitle: '荣誉称号与表彰文件不一致',
};
const LABELS: Partial<Record<CreditFieldName, string>> = {
  unifiedSocialCreditCode: '统一社会信用代码', domicile: '住所', legalRepresentative: '法定代表人', idCardNumber: '身份证号码', address: '住所', honourTitle: '荣誉称号',
  honourLevel: '表彰级别', violation: '违法行为', penaltyType: '处罚种类', legalBasis: '处罚依据', penaltyResult: '处罚结果', eventType: '事件类型', activityType: '活动类型',
  relation: '关系', description: '情况描述', content: '信息内容', sourceDocument: '来源文书', issuingAuthority: '认定机关', decisionDate: '决定日期',
};
const REJECTIONS = ['不属于信用信息上报范围', '与已上报的信用记录重复', '来源文书尚未生效,暂不上报'];
const UPLOAD_ERRORS = ['sharing platform answered 503', 'sharing platform answered 502', 'The operation was aborted due to timeout'];

/** An organisation or a person a unit's records are about (some have more than one record). */
interface Organisation {
  readonly name: string;
  readonly code: string;
  readonly domicile: string;
  readonly legalRepresentative: string;
}
interface Person {
  readonly personId: string;
  readonly name: string;
  readonly idCardNumber: string;
  readonly address: string;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_CODE_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/**
 * A unified social credit code (GB 32100-2015): 9 (市场监管) 1 (企业), the division, the organisation code with its
 * GB 11714 check character, then the mod-31 check character.
 */
export function unifiedSocialCreditCode(rng: Rng, division: string): string {
  const body = Array.from({ length: 8 }, () => String(rng.int(0, 9))).join('');
  const c = 11 - (ORG_CODE_WEIGHTS.reduce((s, w, i) => s + Number(body[i]) * w, 0) % 11);
  const orgCode = body + (c === 10 ? 'X' : c === 11 ? '0' : String(c));
  const first17 = `91${division}${orgCode}`;
  const sum = USCC_WEIGHTS.reduce((s, w, i) => s + USCC_CHARS.indexOf(first17[i]!) * w, 0);
  return first17 + USCC_CHARS[(31 - (sum % 31)) % 31]!;
}

/** A resident ID number (GB 11643-1999): division, birth date, sequence (odd: male), ISO 7064 MOD 11-2 check. */
export function residentIdNumber(rng: Rng, division: string): string {
  const birth = new Date(Date.UTC(rng.int(1960, 2002), 0, 1) + rng.int(0, 364) * DAY).toISOString().slice(0, 10).replace(/-/g, '');
  const first17 = `${division}${birth}${String(rng.int(1, 999)).padStart(3, '0')}`;
  const sum = ID_WEIGHTS.reduce((s, w, i) => s + Number(first17[i]) * w, 0);
  return first17 + '10X98765432'[sum % 11]!;
}

interface CreditWorld {
  readonly organisations: Organisation[];
  readonly persons: Person[];
  readonly uploads: Map<string, 'ok' | 'once' | 'exhausted'>;
  documents: number;
}

/**
 * 信用信息上报 (regulations R6.01-R6.06, docs/credit.md): every business month each reporting unit's reporters
 * (采集单位) collect about one record on working days: public records about organisations (administrative
 * penalties mostly, basic information, commendations, now and then a major event) and personal ones about persons
 * (basic information, credit records, property, social relationships), with the R6.04 fields of their category
 * and valid unified social credit codes and ID numbers (check characters included); a few are submitted
 * incomplete. A reviewer of the unit (its head, sometimes the office) checks it after a few working days (some
 * after the review deadline): most are approved with the full checklist; the incomplete ones and some with a
 * wrong value are returned with a reason per field, corrected by a reporter and then approved; a few are rejected.
 * The upload to the sharing platform is the credit-uploads reactor's effect, performed after the fact: the record
 * uploaded some minutes to hours after its approval, now and then after a failed attempt, rarely after the
 * attempts ran out and the office retried it by hand. The review and upload deadlines (the configuration's
 * defaults, counted as CreditCommands counts them) elapse through the scheduler (time-facts.activity.ts).
 */
export const creditActivity: Activity = {
  name: 'credit',
  start(world) {
    const rng = world.rng('credit');
    const cw: CreditWorld = { organisations: [], persons: [], uploads: new Map(), documents: 0 };
    world.onEvent((event) => {
      // performed after the fact, as the dispatcher performs the upload effect after its batch commits
      if (event.type === 'CreditRecordApproved') {
        const recordId = (event as CreditRecordApproved).data.recordId;
        cw.uploads.set(recordId, rng.weighted([['ok', 0.9], ['once', 0.08], ['exhausted', 0.02]] as const));
        world.at(world.now + rng.int(10, 360) * MINUTE, () => upload(world, rng, cw, recordId, 1, 1));
      } else if (event.type === 'CreditRecordUploadRequested') {
        const d = (event as CreditRecordUploadRequested).data;
        cw.uploads.set(d.recordId, 'ok');
        world.at(world.now + rng.int(1, 20) * MINUTE, () => upload(world, rng, cw, d.recordId, d.uploadRound, 1));
      }
    });
    for (let month = 0; ; month++) {
      const from = Math.max(world.start, world.time.firstOfMonth(world.start, month));
      if (from >= world.end) break;
      const to = world.time.firstOfMonth(world.start, month + 1);
      const days = world.time.workingDaysBetween(from, to);
      if (days.length === 0) continue;
      // planned the evening of the month's first working day (the institution is set up on the very first one), collected on the others
      const collecting = days.slice(1).filter((d) => d < world.end - QUIET_DAYS_AT_END * DAY);
      if (collecting.length === 0) continue;
      world.at(days[0]! + 20 * HOUR, () => {
        for (const unit of world.org.reportingUnits()) {
          for (let i = rng.poisson(RECORDS_PER_UNIT_MONTH); i > 0; i--) {
            const at = world.time.duringOfficeHours(rng.pick(collecting), rng);
            world.at(at, () => submit(world, rng, cw, unit.unitId));
          }
        }
      });
    }
  },
};

const calendar = new WorkCalendar();
const config = loadCreditConfig({}, '.');

/** The due CreditCommands passes in: configured working days of the default calendar from `now`. */
function dueAfter(now: string, days: number): DueInput | null {
  if (days <= 0) return null;
  const d = calendar.deadline(new Date(now), { unit: 'working_days', amount: days });
  return { dueAt: d.at.toISOString(), provisional: d.provisional?.reason ?? null };
}

function organisation(rng: Rng, cw: CreditWorld): Organisation {
  if (cw.organisations.length > 0 && rng.chance(0.25)) return rng.pick(cw.organisations);
  const d = rng.int(0, DIVISIONS.length - 1);
  const o = {
    name: `某市${rng.pick(PLACES)}${rng.pick(BRANDS)}${rng.pick(TRADES)}`,
    code: unifiedSocialCreditCode(rng, DIVISIONS[d]!),
    domicile: `某市${DISTRICTS[d]}${rng.pick(STREETS)}${rng.int(1, 300)}号`,
    legalRepresentative: personName(rng),
  };
  cw.organisations.push(o);
  return o;
}

function person(world: World, rng: Rng, cw: CreditWorld): Person {
  if (cw.persons.length > 0 && rng.chance(0.2)) return rng.pick(cw.persons);
  const d = rng.int(0, DIVISIONS.length - 1);
  const p = {
    personId: world.ledger.id('credit-person', String(cw.persons.length)),
    name: personName(rng),
    idCardNumber: residentIdNumber(rng, DIVISIONS[d]!),
    address: `某市${DISTRICTS[d]}${rng.pick(STREETS)}${rng.int(1, 300)}号${rng.int(1, 20)}单元${rng.int(101, 2602)}室`,
  };
  cw.persons.push(p);
  return p;
}

/** The R6.04 fields of a record of the category, complete, as the collector takes them from the source document. */
function fieldsFor(world: World, rng: Rng, cw: CreditWorld, kind: CreditRecordKind, category: CreditCategory, subject: Organisation | Person): CreditFields {
  const decisionAt = world.now - rng.int(0, 30) * DAY;
  const decisionDate = world.time.date(decisionAt);
  const year = decisionDate.slice(0, 4);
  const n = ++cw.documents;
  const bureau = world.org.units.get(world.staff.bureauId)?.name ?? '某市公安局';
  const common = { issuingAuthority: bureau, decisionDate };
  if (kind === 'public') {
    const o = subject as Organisation;
    const base = { name: o.name, unifiedSocialCreditCode: o.code };
    if (category === 'administrative_penalty') {
      const p = rng.pick(PENALTIES);
      const result = p.result(rng);
      return {
        ...base, violation: p.violation, penaltyType: p.penaltyType, legalBasis: p.legalBasis, penaltyResult: result,
        content: `${o.name}${p.violation},依据${p.legalBasis}给予${result}的行政处罚`,
        sourceDocument: `某公(治)行罚决字〔${year}〕${100 + n}号`, ...common,
        // 行政处罚信息的公示期 (one or three years)
        ...(rng.chance(0.7) ? { validUntil: world.time.date(decisionAt + (rng.chance(0.7) ? 365 : 3 * 365) * DAY) } : {}),
      };
    }
    if (category === 'basic_info') {
      return { ...base, domicile: o.domicile, legalRepresentative: o.legalRepresentative, content: `${o.name}登记基本信息`, sourceDocument: `营业执照(${o.code})`, issuingAuthority: '某市市场监督管理局', decisionDate };
    }
    if (category === 'commendation') {
      const title = rng.pick(HONOURS);
      const level = rng.weighted([['county', 3], ['municipal', 4], ['provincial', 1.5], ['national', 0.3]] as const);
      return { ...base, honourTitle: title, honourLevel: level, content: `${o.name}被评为${title}`, sourceDocument: `某公发〔${year}〕${n}号`, ...common, validUntil: world.time.date(decisionAt + 2 * 365 * DAY) };
    }
    // major_event
    const eventType = rng.pick(MAJOR_EVENT_TYPES);
    return { ...base, eventType, description: MAJOR_EVENTS[eventType], content: `${o.name}${MAJOR_EVENTS[eventType]}`, sourceDocument: `某公(治)调查字〔${year}〕${n}号`, ...common };
  }
  const p = subject as Person;
  const base = { name: p.name, idCardNumber: p.idCardNumber };
  if (category === 'basic_info') {
    return { ...base, address: p.address, content: `${p.name}个人基本信息`, sourceDocument: `户籍登记(${p.idCardNumber.slice(0, 6)})`, ...common };
  }
  if (category === 'credit_record') {
    const activityType = rng.pick(CREDIT_ACTIVITY_TYPES);
    const description = CREDIT_ACTIVITIES[activityType](rng);
    return { ...base, activityType, description, content: `${p.name}${description}`, sourceDocument: `(${year})鲁0402执${n}号`, issuingAuthority: '某市市中区人民法院', decisionDate };
  }
  if (category === 'property_status') {
    const activityType = rng.pick(PROPERTY_ACTIVITY_TYPES);
    return { ...base, activityType, description: PROPERTIES[activityType], content: `${p.name}财产状况`, sourceDocument: `某公(经)查封字〔${year}〕${n}号`, ...common };
  }
  // social_relationship
  const relation = rng.pick(RELATIONS);
  return { ...base, relation, description: RELATIONSHIPS[relation], content: `${p.name}社会关系`, sourceDocument: `某公(经)调字〔${year}〕${n}号`, ...common };
}

/** What the HTTP controller builds for a command on the record (its `now` and, for corrections, the business date and review due). */
type Build = (now: string) => CreditRecordCommand;

/** A reporter of the unit collects a record and submits it (POST /v1/credit/records). */
async function submit(world: World, rng: Rng, cw: CreditWorld, unitId: string): Promise<void> {
  const unit = world.org.units.get(unitId);
  if (!unit?.active || !unit.reports) return;
  const reporters = world.org.reporters(unitId, world.today());
  if (reporters.length === 0) return;
  const collector = rng.pick(reporters);
  if (!(await world.acting(collector, 'credit.submit', unitId))) return;
  const kind: CreditRecordKind = rng.chance(0.6) ? 'public' : 'personal';
  const category = rng.weighted(kind === 'public' ? PUBLIC : PERSONAL);
  const subject = kind === 'public' ? organisation(rng, cw) : person(world, rng, cw);
  const complete = fieldsFor(world, rng, cw, kind, category, subject);
  // a few are submitted incomplete: one required field the source document did not give yet (never the subject's name)
  const omittable = requiredFields(kind, category).filter((f) => f !== 'name');
  const missing = rng.chance(0.12) ? rng.pick(omittable) : null;
  const fields: CreditFields = { ...complete };
  if (missing) delete fields[missing];
  const recordId = world.ledger.id('credit-record', String(world.ledger.produced));
  const now = world.nowIso();
  const submitted = world.run(
    creditRecordStream(recordId),
    creditRecordDecider,
    {
      type: 'SubmitCreditRecord',
      recordId,
      unitId,
      kind,
      category,
      subjectPersonId: kind === 'personal' ? (subject as Person).personId : null,
      fields,
      today: world.today(),
      reviewDue: dueAfter(now, config.reviewWorkingDays),
      uploadDue: dueAfter(now, config.uploadWorkingDays),
      actorId: collector,
      now,
    },
    collector,
  );
  if (!submitted) return;
  const story = { recordId, unitId, collector, complete, missing };
  world.at(world.time.afterWorkingDays(world.now, reviewDelay(rng), rng), () => review(world, rng, story, 1));
}

/** Working days until the review: most within the review deadline (5), some after it. */
function reviewDelay(rng: Rng): number {
  return rng.weighted([[1, 3], [2, 3], [3, 2], [4, 1.5], [5, 0.5], [6, 0.6], [8, 0.3]] as const);
}

interface Story {
  readonly recordId: string;
  readonly unitId: string;
  readonly collector: string;
  readonly complete: CreditFields;
  readonly missing: CreditFieldName | null;
}

/** The unit's own head reviews, sometimes the office reviewer (who covers every unit); never the collector. */
async function reviewer(world: World, rng: Rng, story: Story): Promise<string | undefined> {
  const today = world.today();
  const heads = world.org.holders('unit_head', story.unitId, today).filter((m) => m !== story.collector && world.org.members.get(m)!.appointments.some((a) => a.role === 'unit_head' && a.unitId === story.unitId));
  const office = world.org.holders('office_reviewer', story.unitId, today).filter((m) => m !== story.collector);
  const candidates = heads.length > 0 && !rng.chance(0.2) ? heads : office.length > 0 ? office : heads;
  if (candidates.length === 0) return undefined;
  const memberId = rng.pick(candidates);
  return (await world.acting(memberId, 'credit.review', story.unitId)) ? memberId : undefined;
}

function run(world: World, story: Story, actorId: string, build: Build): boolean {
  return world.run(creditRecordStream(story.recordId), creditRecordDecider, build(world.nowIso()), actorId) !== undefined;
}

/** The review of a submission round (R6.06 step 2): approve, return for correction (退回修改) or reject. */
async function review(world: World, rng: Rng, story: Story, round: number): Promise<void> {
  const state = world.ledger.state(creditRecordStream(story.recordId), creditRecordDecider);
  if (state.status !== 'submitted') return;
  const memberId = await reviewer(world, rng, story);
  if (!memberId) return;
  if (round === 1 && rng.chance(0.04)) {
    run(world, story, memberId, (now) => ({ type: 'RejectCreditRecord', reason: rng.pick(REJECTIONS), actorId: memberId, now }));
    return;
  }
  const reasons: FieldReason[] = [];
  if (state.missing.length > 0) {
    for (const field of state.missing) reasons.push({ field, reason: `未填写${LABELS[field] ?? field}(R6.04 必填项),请据来源文书补充` });
  } else if (round === 1 && rng.chance(0.12)) {
    const wrong = (Object.keys(WRONG) as CreditFieldName[]).filter((f) => story.complete[f] !== undefined);
    if (wrong.length > 0) {
      const field = rng.pick(wrong);
      reasons.push({ field, reason: WRONG[field]! });
    }
  }
  if (reasons.length > 0) {
    if (!run(world, story, memberId, (now) => ({ type: 'ReturnCreditRecord', reasons, actorId: memberId, now }))) return;
    // most are corrected within a few working days; a few are never corrected and rejected later
    if (rng.chance(0.9)) world.at(world.time.afterWorkingDays(world.now, rng.int(1, 3), rng), () => correct(world, rng, story, reasons, round));
    else world.at(world.time.afterWorkingDays(world.now, rng.int(8, 12), rng), () => rejectStale(world, rng, story));
    return;
  }
  run(world, story, memberId, (now) => ({
    type: 'ApproveCreditRecord',
    checklist: { truthful: true, accurate: true, complete: true },
    comment: rng.chance(0.3) ? '经核对来源文书,信息真实、准确、完整' : null,
    actorId: memberId,
    now,
  }));
}

/** A reporter of the unit (the collector when still one) corrects the fields named and resubmits. */
async function correct(world: World, rng: Rng, story: Story, reasons: readonly FieldReason[], round: number): Promise<void> {
  const reporters = world.org.reporters(story.unitId, world.today());
  const memberId = reporters.includes(story.collector) ? story.collector : reporters.length > 0 ? rng.pick(reporters) : undefined;
  if (!memberId || !(await world.acting(memberId, 'credit.submit', story.unitId))) return;
  const fields: CreditFields = { ...story.complete };
  for (const r of reasons) {
    const f = r.field as CreditFieldName;
    if (f === 'penaltyResult') fields.penaltyResult = `${story.complete.penaltyResult}(依决定书更正)`;
    else if (f === 'sourceDocument') fields.sourceDocument = `${story.complete.sourceDocument}`.replace(/号$/, '-1号');
    else if (f === 'decisionDate') fields.decisionDate = new Date(Date.parse(`${story.complete.decisionDate}T00:00:00Z`) - DAY).toISOString().slice(0, 10);
    else if (f === 'address' || f === 'domicile' || f === 'content' || f === 'description' || f === 'honourTitle') fields[f] = `${story.complete[f]}(已核实)`;
  }
  const corrected = run(world, story, memberId, (now) => ({ type: 'CorrectCreditRecord', fields, today: world.today(), reviewDue: dueAfter(now, config.reviewWorkingDays), actorId: memberId, now }));
  if (corrected) world.at(world.time.afterWorkingDays(world.now, rng.weighted([[1, 3], [2, 2], [3, 1], [6, 0.3]] as const), rng), () => review(world, rng, story, round + 1));
}

/** A record returned and never corrected is rejected at last. */
async function rejectStale(world: World, rng: Rng, story: Story): Promise<void> {
  if (world.ledger.state(creditRecordStream(story.recordId), creditRecordDecider).status !== 'returned') return;
  const memberId = await reviewer(world, rng, story);
  if (memberId) run(world, story, memberId, (now) => ({ type: 'RejectCreditRecord', reason: '退回后逾期未按要求修改', actorId: memberId, now }));
}

/**
 * One delivery of the upload effect (credit-upload.reactor.ts performUpload): reads the record, sends it to the
 * sharing platform (the HTTP adapter) and appends the outcome as the system, with the delivery's attempt. A failed
 * attempt is retried by the outbox with backoff; when the attempts run out, the office retries it by hand.
 */
async function upload(world: World, rng: Rng, cw: CreditWorld, recordId: string, uploadRound: number, attempt: number): Promise<void> {
  const stream = creditRecordStream(recordId);
  const state = world.ledger.state(stream, creditRecordDecider);
  if (state.status !== 'approved' && state.status !== 'upload_failed') return;
  const plan = cw.uploads.get(recordId) ?? 'ok';
  const fails = (plan === 'once' && attempt === 1) || (plan === 'exhausted' && attempt <= 3);
  const common = { idempotencyKey: creditIdempotencyKey(recordId), platform: 'http', attempt, uploadRound, actorId: 'system', now: world.nowIso() };
  if (!fails) {
    const reference = `XYPT${world.today().replace(/-/g, '')}${String(rng.int(0, 999_999)).padStart(6, '0')}`;
    world.run(stream, creditRecordDecider, { type: 'RecordCreditUploaded', ...common, reference }, 'system');
    return;
  }
  if (!world.run(stream, creditRecordDecider, { type: 'RecordCreditUploadFailed', ...common, error: rng.pick(UPLOAD_ERRORS) }, 'system')) return;
  if (attempt < 3) {
    world.at(world.now + attempt * rng.int(5, 30) * MINUTE, () => upload(world, rng, cw, recordId, uploadRound, attempt + 1));
    return;
  }
  // the attempts ran out: the office (上报单位) retries by hand (POST /v1/credit/records/:id/upload-retry) the next working day
  world.at(world.time.afterWorkingDays(world.now, 1, rng), async () => {
    const memberId = world.staff.officeReviewer;
    if (world.ledger.state(stream, creditRecordDecider).status !== 'upload_failed' || !memberId || !world.org.actor(memberId, world.today())) return;
    if (!(await world.acting(memberId, 'credit.upload', state.unitId))) return;
    world.run(stream, creditRecordDecider, { type: 'RequestCreditUpload', actorId: memberId, now: world.nowIso() }, memberId);
  });
}
