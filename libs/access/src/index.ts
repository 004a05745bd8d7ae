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
  AnswerDemandInput,
  AssignDemandInput,
  CalendarDayDto,
  DemandAnswerOutcome,
  DemandDto,
  DemandStatus,
  OverdueItemDto,
  SubmitDemandInput,
} from './dto.js';
export { CalendarService } from './calendar.service.js';
export { CalendarFileError, parseCalendarFile, type CalendarFile } from './calendar-file.js';
export { DemandService } from './demand.service.js';
export { addWorkingDays, ANSWER_DEADLINE_WORKING_DAYS, CalendarDayKind, WorkingDayCalendar, workingDaysBetween } from './working-days.js';
export { ReturnFlowService } from './return-flow/return-flow.service.js';
export { CreateReturnFlowInput, ReturnFlowDto, ReturnFlowStatus } from './return-flow/return-flow.dto.js';
export { divisionPrefix, isBelowDivision } from './return-flow/divisions.js';
export { DisputedRecords } from './objections/disputed-records.service.js';
export { ObjectionService } from './objections/objection.service.js';
export { AnswerObjectionInput, FileObjectionInput, ObjectionDto, ObjectionOutcome, ObjectionStatisticsDto, ObjectionStatus } from './objections/objection.dto.js';
