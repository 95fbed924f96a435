import type { DomainEvent } from '@app/kernel';

/** 单位: a node of the institution's unit tree (bureau, section 科室, brigade 大队, squad 中队, town 乡镇 …). */
export type UnitRegistered = DomainEvent<
  'UnitRegistered',
  { unitId: string; name: string; unitType: string; parentId: string | null; registeredAt: string }
>;
export type UnitRenamed = DomainEvent<'UnitRenamed', { unitId: string; name: string; previousName: string; renamedAt: string }>;

export type UnitEvent = UnitRegistered | UnitRenamed;
