import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CatalogueModule } from '@causeway/catalogue';
import { ExchangeModule } from '@causeway/exchange';
import { IdentityModule } from '@causeway/identity';
import { PolicyModule } from '@causeway/policy';
import { AccessRequestResolver, GrantResolver } from './access.resolver.js';
import { AccessService } from './access.service.js';
import { CalendarService } from './calendar.service.js';
import { DemandService } from './demand.service.js';
import { AccessRequestEntity, AccessRequestEventEntity, DemandEntity, DemandEventEntity } from './entities.js';
import { DisputedRecords } from './objections/disputed-records.service.js';
import { ObjectionEntity, ObjectionEventEntity } from './objections/objection.entity.js';
import { ObjectionResolver } from './objections/objection.resolver.js';
import { ObjectionService } from './objections/objection.service.js';
import { CalendarResolver, DemandResolver } from './workflow.resolver.js';
import { ReturnFlowResolver } from './return-flow/return-flow.resolver.js';
import { ReturnFlowService } from './return-flow/return-flow.service.js';
import { TimelinessResolver } from './timeliness/timeliness.resolver.js';
import { TimelinessService } from './timeliness/timeliness.service.js';

@Module({
  imports: [
    TypeOrmModule.forFeature([AccessRequestEntity, AccessRequestEventEntity, DemandEntity, DemandEventEntity, ObjectionEntity, ObjectionEventEntity]),
    CatalogueModule,
    IdentityModule,
    PolicyModule,
    ExchangeModule,
  ],
  providers: [
    AccessService,
    AccessRequestResolver,
    GrantResolver,
    CalendarService,
    DemandService,
    DemandResolver,
    CalendarResolver,
    ReturnFlowService,
    ReturnFlowResolver,
    DisputedRecords,
    ObjectionService,
    ObjectionResolver,
    TimelinessService,
    TimelinessResolver,
  ],
  exports: [AccessService, CalendarService, DemandService, ReturnFlowService, DisputedRecords, ObjectionService],
})
export class AccessModule {}
