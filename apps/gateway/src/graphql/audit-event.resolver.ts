import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { AuditEventDto } from '@causeway/audit';
import { Role, Roles } from '@causeway/core';
import { DepartmentDto, DepartmentsService } from '@causeway/identity';

/**
 * Links audit events to departments. It lives in the gateway because the audit context sits below
 * identity (identity records its acts through audit) and so cannot import identity's types.
 */
@Resolver(() => AuditEventDto)
@Roles(Role.AUDITOR, Role.ADMIN)
export class AuditEventDepartmentResolver {
  constructor(private readonly departments: DepartmentsService) {}

  @ResolveField(() => DepartmentDto, { nullable: true, description: 'The caller’s department.' })
  department(@Parent() event: AuditEventDto): Promise<DepartmentDto | null> {
    return event.departmentCode ? this.departments.byCode(event.departmentCode) : Promise.resolve(null);
  }

  @ResolveField(() => DepartmentDto, { nullable: true, description: 'The department on the other side (provider, or the one an administrative act concerns).' })
  providerDepartment(@Parent() event: AuditEventDto): Promise<DepartmentDto | null> {
    return event.providerDepartmentCode ? this.departments.byCode(event.providerDepartmentCode) : Promise.resolve(null);
  }
}
