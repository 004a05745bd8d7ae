export { AccessModule } from './access.module.js';
export { AccessService } from './access.service.js';
export {
  AccessRequestConnection,
  AccessRequestDto,
  AccessRequestEventDto,
  AccessRequestFilter,
  AccessRequestStatus,
  ApproveAccessRequestInput,
  RequestAccessInput,
} from './dto.js';
export { addWorkingDays, ANSWER_DEADLINE_WORKING_DAYS, workingDaysBetween } from './working-days.js';
