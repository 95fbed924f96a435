import type { DomainEvent } from '@app/kernel';

/** 单位: a node of the institution's unit tree (bureau, section 科室, brigade 大队, squad 中队, town 乡镇 …). */
export type UnitRegistered = DomainEvent<
  'UnitRegistered',
  { unitId: string; name: string; unitType: string; parentId: string | null; registeredAt: string }
>;
export type UnitRenamed = DomainEvent<'UnitRenamed', { unitId: string; name: string; previousName: string; renamedAt: string }>;
export type UnitMoved = DomainEvent<'UnitMoved', { unitId: string; fromParentId: string | null; toParentId: string | null; movedAt: string }>;
/** History is kept: a unit dissolved in June still owns its May items. */
export type UnitDissolved = DomainEvent<'UnitDissolved', { unitId: string; dissolvedOn: string; reason: string | null; dissolvedAt: string }>;

export type UnitEvent = UnitRegistered | UnitRenamed | UnitMoved | UnitDissolved;
