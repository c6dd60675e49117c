// A job's shots done of total, as a bar.
interface Props {
  done: number;
  total: number;
  state: string;
  testId?: string;
}

export function ProgressBar({ done, total, state, testId }: Props) {
  const fraction = total > 0 ? Math.min(1, done / total) : state === "COMPLETED" ? 1 : 0;
  return (
    <div
      className={`progress progress-${state.toLowerCase()}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={total}
      aria-valuenow={done}
      data-testid={testId}
      data-done={done}
      data-total={total}
      title={`${done.toLocaleString("en-US")} of ${total.toLocaleString("en-US")} shots`}
    >
      <div className="progress-fill" style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
      <span className="progress-label">{(fraction * 100).toFixed(0)}%</span>
    </div>
  );
}
