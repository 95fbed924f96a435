import { Module } from '@nestjs/common';
import { PoliciesModule } from '@app/policies';
import { IncidentCommands } from './write/incident-commands';
import { IncidentsHttpController } from './write/incidents.http.controller';
import { IncidentQueries } from './read/incidents.queries';
import { IncidentsReadHttpController } from './read/incidents.read.http.controller';

/**
 * Incidents (突发事件, issue 11): the first report and its written, follow-up, case and final reports, approval of
 * the external report, escalation, instructions, closure; deadline verdicts from the log (docs/compliance.md).
 */
@Module({
  imports: [PoliciesModule],
  controllers: [IncidentsHttpController, IncidentsReadHttpController],
  providers: [IncidentCommands, IncidentQueries],
})
export class IncidentsModule {}
