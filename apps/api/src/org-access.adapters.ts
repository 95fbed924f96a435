import { Inject, Injectable } from '@nestjs/common';
import type { Pool } from 'pg';
import { Actor, ActorLoader, inForce, UnitTree } from '@app/access';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { loadActorAppointments } from '@app/organization';
import { PG_POOL } from '@app/platform';

/**
 * Access control asks the organization context who a member is and which appointments are in force: folded from
 * the member's own stream (the write model), so a fresh appointment counts on the next request.
 */
@Injectable()
export class MemberStreamActorLoader implements ActorLoader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async load(memberId: string, today: string): Promise<Actor | null> {
    const { member, appointments } = await loadActorAppointments(this.store, memberId);
    if (!member || member.status !== 'active') return null;
    return { memberId, name: member.name, appointments: appointments.filter((a) => inForce(a, today)) };
  }
}

/** Unit lineage from the org tree read model, for 'subtree' and 'oversees' coverage. */
@Injectable()
export class OrgTreeUnitLineage implements UnitTree {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async lineage(unitId: string): Promise<readonly string[]> {
    const result = await this.pool.query<{ unit_id: string }>(
      `WITH RECURSIVE up(unit_id, parent_id, depth) AS (
         SELECT unit_id, parent_id, 0 FROM rm.org_units WHERE unit_id = $1
         UNION ALL
         SELECT u.unit_id, u.parent_id, up.depth + 1 FROM rm.org_units u JOIN up ON u.unit_id = up.parent_id WHERE up.depth < 64
       ) SELECT unit_id FROM up ORDER BY depth`,
      [unitId],
    );
    return result.rows.map((r) => r.unit_id);
  }
}
