import { EmptyState, PageHeader } from '../components/PageHeader';
import { Icon } from '../components/Icon';

export function JobsPage() {
  return (
    <div className="page">
      <PageHeader title="Jobs" subtitle="Upscales, conversions and exports running on this machine." />
      <EmptyState icon={<Icon name="jobs" size={32} />} title="Nothing is running">
        Long work you start appears here with its progress.
      </EmptyState>
    </div>
  );
}
