import { describe, expect, it } from '@jest/globals';
import { render, screen } from '@testing-library/react';
import '../i18n';
import { AnswerClockCell } from './AnswerClock';

const NOW = new Date('2026-12-07T02:00:00.000Z');

describe('<AnswerClockCell>', () => {
  it('shows the working days waited and the countdown while the deadline is ahead', () => {
    render(<AnswerClockCell now={NOW} request={{ status: 'PENDING', deadline: '2026-12-10T06:30:00.000Z', overdue: false, waitingWorkingDays: 2 }} />);
    const cell = screen.getByTestId('answer-clock');
    expect(cell.textContent).toContain('2 个工作日');
    expect(cell.textContent).toContain('剩 3 天 4 小时');
    expect(cell.textContent).not.toContain('已超期');
  });

  it('flags an overdue request in red instead of a countdown', () => {
    render(<AnswerClockCell now={NOW} request={{ status: 'PENDING', deadline: '2026-12-04T09:00:00.000Z', overdue: true, waitingWorkingDays: 6 }} />);
    const flag = screen.getByText('已超期');
    expect(flag.className).toContain('ant-tag-red');
    expect(screen.getByTestId('answer-clock').textContent).not.toContain('剩');
  });
});
