export { AllowedBeforePasswordChange, AuthGuard } from './auth.guard.js';
export { AuthService } from './auth.service.js';
export { SystemClientsService } from './clients.service.js';
export { DepartmentsService } from './departments.service.js';
export {
  ChangePasswordInput,
  CreatedSystemClientDto,
  CreateDepartmentInput,
  CreateSystemClientInput,
  CreateUserInput,
  DepartmentDto,
  PasswordResetDto,
  SystemClientDto,
  UserDto,
} from './dto.js';
export { IdentityModule } from './identity.module.js';
export { RateLimitMetrics } from './rate-limit-metrics.js';
export { UsersService } from './users.service.js';
