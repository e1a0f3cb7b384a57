import type { Overview } from '../dashboard-sql.ts';

const SVG = 'http://www.w3.org/2000/svg';
const HEIGHT = 160;
const AXIS = 16;
const OUTCOMES = ['success', 'failure', 'unknown'];

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  return element;
}

/**
 * The timeline: one bar per interval, stacked by outcome. Dragging across it selects a range,
 * handed to `onRange` as epoch milliseconds.
 */
export function drawTimeline(container: HTMLElement, timeline: Overview['timeline'], onRange: (from: number, to: number) => void): void {
  container.replaceChildren();
  if (timeline === null || timeline.bars.length === 0) {
    container.append(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'No events in this range.' }));
    return;
  }
  const width = Math.max(container.clientWidth, 300);
  const { from, width: step } = timeline;
  const to = Math.max(timeline.to, from + step);
  const slots = Math.ceil((to - from) / step);
  const totals = new Map<number, number>();
  for (const bar of timeline.bars) totals.set(bar.start, (totals.get(bar.start) ?? 0) + bar.count);
  const highest = Math.max(...totals.values());
  const slotWidth = width / slots;
  const x = (time: number) => ((time - from) / (to - from)) * width;
  const root = svg('svg', { viewBox: `0 0 ${width} ${HEIGHT}`, role: 'img', 'aria-label': `Events per ${describeStep(step)}, by outcome` });

  const stacked = new Map<number, number>();
  const ordered = [...timeline.bars].sort((a, b) => OUTCOMES.indexOf(a.outcome) - OUTCOMES.indexOf(b.outcome));
  for (const bar of ordered) {
    const below = stacked.get(bar.start) ?? 0;
    const height = (bar.count / highest) * (HEIGHT - AXIS - 4);
    const rect = svg('rect', {
      x: x(bar.start) + 0.5,
      y: HEIGHT - AXIS - below - height,
      width: Math.max(slotWidth - 1, 1),
      height,
      class: `bar-${OUTCOMES.includes(bar.outcome) ? bar.outcome : 'unknown'}`,
    });
    const title = svg('title', {});
    title.textContent = `${new Date(bar.start).toISOString()}: ${bar.count} ${bar.outcome}`;
    rect.append(title);
    root.append(rect);
    stacked.set(bar.start, below + height);
  }
  for (const time of [from, from + (to - from) / 2, to]) {
    const label = svg('text', {
      x: Math.min(Math.max(x(time), 2), width - 2),
      y: HEIGHT - 3,
      class: 'axis',
      'text-anchor': time === from ? 'start' : time === to ? 'end' : 'middle',
    });
    label.textContent = new Date(time).toISOString().slice(0, 16).replace('T', ' ');
    root.append(label);
  }
  const brush = svg('rect', { x: 0, y: 0, width: 0, height: HEIGHT - AXIS, class: 'brush', visibility: 'hidden' });
  root.append(brush);
  container.append(root);

  // Brushing: a drag from one point to another, in the chart's own coordinates.
  const timeAt = (event: PointerEvent) => {
    const box = root.getBoundingClientRect();
    const position = Math.min(Math.max(event.clientX - box.left, 0), box.width);
    return from + (position / box.width) * (to - from);
  };
  let start: number | null = null;
  root.addEventListener('pointerdown', (event) => {
    start = timeAt(event);
    root.setPointerCapture(event.pointerId);
  });
  root.addEventListener('pointermove', (event) => {
    if (start === null) return;
    const [left, right] = [start, timeAt(event)].sort((a, b) => a - b) as [number, number];
    brush.setAttribute('x', String(x(left)));
    brush.setAttribute('width', String(x(right) - x(left)));
    brush.setAttribute('visibility', 'visible');
  });
  root.addEventListener('pointerup', (event) => {
    if (start === null) return;
    const [left, right] = [start, timeAt(event)].sort((a, b) => a - b) as [number, number];
    start = null;
    brush.setAttribute('visibility', 'hidden');
    // A click without a drag is no range.
    if (right - left >= (to - from) / 200) onRange(Math.floor(left), Math.ceil(right));
  });
}

function describeStep(step: number): string {
  if (step % 86_400_000 === 0) return `${step / 86_400_000} day(s)`;
  if (step % 3_600_000 === 0) return `${step / 3_600_000} hour(s)`;
  if (step % 60_000 === 0) return `${step / 60_000} minute(s)`;
  return `${step / 1000} second(s)`;
}
