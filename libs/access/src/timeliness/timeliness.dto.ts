import { Field, Float, Int, ObjectType } from '@nestjs/graphql';

@ObjectType('AccessRequestStatistics', { description: 'How one provider department answered the access requests filed in a period (办理时效).' })
export class AccessRequestStatisticsDto {
  @Field()
  providerDepartmentCode!: string;

  @Field(() => Int, { description: 'Requests filed in the period.' })
  received!: number;

  @Field(() => Int, { description: 'Not answered yet.' })
  pending!: number;

  @Field(() => Int, { description: 'Not answered and past the answer deadline now.' })
  overdue!: number;

  @Field(() => Int)
  approved!: number;

  @Field(() => Int)
  rejected!: number;

  @Field(() => Int, { description: 'Withdrawn by the requester (no answer).' })
  withdrawn!: number;

  @Field(() => Int, { description: 'Approved or rejected.' })
  answered!: number;

  @Field(() => Int, { description: 'Answered by the deadline.' })
  answeredInTime!: number;

  @Field(() => Int, { description: 'Answered after the deadline.' })
  answeredLate!: number;

  @Field(() => Float, { nullable: true, description: 'Median working days from filing to the answer (null: no answer yet).' })
  medianAnswerWorkingDays!: number | null;

  @Field(() => Float, { nullable: true, description: 'Average working days from filing to the answer, to one decimal.' })
  averageAnswerWorkingDays!: number | null;

  @Field(() => Int, { nullable: true, description: 'The longest answer, in working days.' })
  maxAnswerWorkingDays!: number | null;
}
