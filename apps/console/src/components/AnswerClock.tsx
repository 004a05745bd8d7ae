import { Space, Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import { answerClock } from '../answerClock';

/** The inbox's waiting column: working days waited, then the countdown to the deadline or the overdue flag. */
export function AnswerClockCell({ request, now = new Date() }: { request: { status: string; deadline: string; overdue: boolean; waitingWorkingDays: number }; now?: Date }) {
  const { t } = useTranslation();
  const clock = answerClock(request, now);
  return (
    <Space data-testid="answer-clock">
      {t('request.workingDays', { count: request.waitingWorkingDays })}
      {clock.kind === 'overdue' && <Tag color="red">{t('request.overdue')}</Tag>}
      {clock.kind === 'due' && <Tag color={clock.urgent ? 'orange' : 'blue'}>{t('request.dueIn', { days: clock.days, hours: clock.hours })}</Tag>}
    </Space>
  );
}
