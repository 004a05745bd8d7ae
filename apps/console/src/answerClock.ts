/**
 * Where an access request stands against its answer deadline. The API counts working days (the
 * city's calendar, holidays and make-up days included) and says whether it is overdue; the
 * countdown to the deadline is wall-clock time, so the inbox can say "answer within 3 d 4 h".
 */
export type AnswerClock =
  | { kind: 'answered' }
  | { kind: 'overdue'; hoursLate: number }
  | { kind: 'due'; days: number; hours: number; urgent: boolean };

const HOUR = 3_600_000;
/** Less than a day left: shown in orange. */
const URGENT_HOURS = 24;

export function answerClock(request: { status: string; deadline: string; overdue: boolean }, now: Date): AnswerClock {
  if (request.status !== 'PENDING') return { kind: 'answered' };
  const left = new Date(request.deadline).getTime() - now.getTime();
  // The API's flag decides overdue (it may lag the clock by a moment; both must agree to show "due").
  if (request.overdue || left <= 0) return { kind: 'overdue', hoursLate: Math.max(0, Math.floor(-left / HOUR)) };
  const hoursLeft = Math.floor(left / HOUR);
  return { kind: 'due', days: Math.floor(hoursLeft / 24), hours: hoursLeft % 24, urgent: hoursLeft < URGENT_HOURS };
}
