import { EmptyState } from '../components/PageHeader';
import { GenIcon } from './GenIcon';
import { OrderCard } from './OrderCard';
import { useOrders } from './ordersStore';

/** The right column: current and recent orders, newest first, live. */
export function OrderList() {
  const orders = useOrders((s) => s.orders);
  const error = useOrders((s) => s.error);
  const hasMore = useOrders((s) => s.hasMore);
  const loadingMore = useOrders((s) => s.loadingMore);
  return (
    <section className="gen-orders" aria-labelledby="gen-orders-title" data-testid="gen-orders">
      <div className="gen-orders-head">
        <h2 id="gen-orders-title">Orders</h2>
        <button
          type="button"
          className="icon-button"
          aria-label="Refresh the orders"
          title="Refresh"
          onClick={() => void useOrders.getState().load()}
        >
          <GenIcon name="refresh" size={15} />
        </button>
      </div>
      {error && (
        <div className="gen-error" role="alert">
          <GenIcon name="warning" size={16} />
          <div className="grow">Orders could not be loaded: {error}</div>
          <button
            type="button"
            className="button small"
            onClick={() => void useOrders.getState().load()}
          >
            Try again
          </button>
        </div>
      )}
      {orders === null && !error && <p className="gen-hint">Loading orders…</p>}
      {orders && orders.length === 0 && (
        <EmptyState icon={<GenIcon name="sparkle" size={28} />} title="No orders yet">
          Choose a model, write a prompt and press Generate. Each image appears here as it is made,
          and lands in the Library when it is done.
        </EmptyState>
      )}
      {orders?.map((o) => (
        <OrderCard key={o.id} order={o} />
      ))}
      {hasMore && (
        <button
          type="button"
          className="button ghost gen-show-more"
          onClick={() => void useOrders.getState().loadMore()}
          disabled={loadingMore}
          data-testid="orders-show-older"
        >
          {loadingMore ? 'Loading…' : 'Show older orders'}
        </button>
      )}
    </section>
  );
}
