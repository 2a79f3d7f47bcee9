"""The operations on batch payments, overpayments and prepayments beyond the generic reads
(``handlers.list_objects`` and ``handlers.get_one``), by the spec's operationId. ``handlers``
imports this module, so what is needed from ``handlers`` is imported where it is used."""

from .errors import ElementInvalid, not_found, problem, single_validation_error
from .resources import RESOURCES
from .resources.bank_transactions import ADVANCE_TYPES


def create_batch_payments(call):
    """PUT /BatchPayments. Xero's batch payments also take credit notes; the sandbox does not
    emulate those, and says so before it writes anything."""
    from .handlers import write_batch

    for batch in elements_of(call.body, "BatchPayments"):
        for payment in elements_of(batch, "Payments"):
            if payment.get("CreditNote") or payment.get("CreditNoteNumber"):
                raise problem(
                    501,
                    "Not Implemented",
                    "The sandbox emulates batch payments of invoices and bills only.",
                )
    return write_batch(call)


def create_bank_transactions(call):
    """PUT /BankTransactions, for the Types that make an overpayment or a prepayment; any
    other Type is not emulated, which the sandbox says before it writes anything."""
    from .handlers import write_batch

    for transaction in elements_of(call.body, "BankTransactions"):
        if transaction.get("Type") not in ADVANCE_TYPES:
            raise problem(
                501,
                "Not Implemented",
                "The sandbox emulates bank transactions of Type %s only, not %s."
                % (", ".join(ADVANCE_TYPES), transaction.get("Type")),
            )
    return write_batch(call)


def delete_batch_payment(call):
    """POST /BatchPayments (the batch's ID in the body) or POST /BatchPayments/{id}, with
    Status DELETED: the batch and its payments are deleted."""
    resource = RESOURCES["batchpayments"]
    in_path = call.path_params.get("BatchPaymentID")
    batch = call.org.get(resource.endpoint, in_path or call.body.get("BatchPaymentID"))
    if not batch and in_path:
        raise not_found()
    if not batch:
        raise single_validation_error(
            "An existing Batch Payment with the specified BatchPaymentID could not be found"
        )
    if (call.body.get("Status") or "").upper() != "DELETED":
        raise single_validation_error("Only Status DELETED can be set on an existing batch payment")
    from .handlers import delete_object

    return delete_object(call, resource, batch)


def create_advance_allocations(call):
    """PUT /Overpayments/{id}/Allocations and PUT /Prepayments/{id}/Allocations."""
    resource = RESOURCES[call.endpoint.lower()]
    credit = call.org.get(resource.endpoint, call.path_params[resource.id_field])
    if not credit:
        raise not_found()
    credit_id = credit[resource.id_field]
    return apply_allocations(
        call, lambda allocation: resource.allocate(call.ctx, credit_id, allocation)
    )


def apply_allocations(call, allocate):
    """The request's allocations, each applied by ``allocate`` or refused, as PUT
    /CreditNotes/{id}/Allocations does: with ``summarizeErrors=false`` the others still apply
    and each refused one comes back with its ValidationErrors."""
    from .handlers import refused_allocation

    summarize = call.args.get("summarizeErrors", "true").lower() != "false"
    org, ctx = call.org, call.ctx
    org.begin()
    outcomes = []
    try:
        for allocation in call.body.get("Allocations") or []:
            savepoint, events = org.savepoint(), len(ctx.events)
            try:
                outcomes.append(allocate(allocation))
            except ElementInvalid as exc:
                org.rollback_to(savepoint)
                del ctx.events[events:]
                if summarize:
                    org.rollback_to(0)
                    raise single_validation_error(exc.messages[0]) from exc
                outcomes.append(refused_allocation(allocation, exc.messages))
    finally:
        org.end()
    call.writes = True
    return 200, call.envelope("Allocations", outcomes)


def elements_of(body, key):
    elements = body.get(key) if isinstance(body, dict) else None
    return [e for e in elements if isinstance(e, dict)] if isinstance(elements, list) else []


PAYMENT_HANDLERS = {
    "createBatchPayment": create_batch_payments,
    "deleteBatchPayment": delete_batch_payment,
    "deleteBatchPaymentByUrlParam": delete_batch_payment,
    "createBankTransactions": create_bank_transactions,
    "createOverpaymentAllocations": create_advance_allocations,
    "createPrepaymentAllocations": create_advance_allocations,
}
