#!/usr/bin/env python3
"""Drive the simulator with pyconnectwise, a public ConnectWise client nobody on this project wrote.

Usage: start `cwrecon sim --listen 127.0.0.1:8080` (default credentials), then
    python3 docs/pyconnectwise_check.py 127.0.0.1:8080
Exits non-zero on the first check that fails. Not part of CI (it needs Python and PyPI).
"""
import sys

from pyconnectwise import ConnectWiseManageAPIClient
from pyconnectwise.exceptions import MalformedRequestException, NotFoundException, ObjectExistsError

HOST = sys.argv[1] if len(sys.argv) > 1 else "127.0.0.1:8080"

# pyconnectwise always builds https:// URLs; the simulator speaks plain HTTP, so swap the scheme.
ConnectWiseManageAPIClient._get_url = lambda self: f"http://{self.manage_url}/{self.codebase.strip('/')}/apis/3.0"
_orig = ConnectWiseManageAPIClient._try_get_codebase_from_api
ConnectWiseManageAPIClient._try_get_codebase_from_api = lambda self, manage_url, company_name, headers: (
    self._make_request("GET", f"http://{manage_url}/login/companyinfo/{company_name}", headers=headers).json().get("Codebase")
)

cw = ConnectWiseManageAPIClient(
    "cwrecon",  # CW_COMPANY_ID default
    HOST,
    "00000000-0000-4000-8000-00000000c1d0",  # CW_CLIENT_ID default
    "sim-public-key",
    "sim-private-key",
)
print("codebase from /login/companyinfo:", cw.codebase)


def check(what, ok):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        sys.exit(1)


# Companies: create, list with conditions, paging, patch, delete.
ids = []
for i in range(1, 8):
    c = cw.company.companies.post(data={"identifier": f"Py{i}", "name": f"Py Company {i}", "city": "Austin",
                                        "country": {"identifier": "US"}})
    ids.append(c.id)
check("company create returns the record (id, status defaulted)", c.id == ids[-1] and c.status.name == "Active")
found = cw.company.companies.get(params={"conditions": 'identifier like "Py%" and city = "Austin"', "orderBy": "name desc"})
check(f"company list with conditions + orderBy ({len(found)} found)", [x.id for x in found] == list(reversed(ids)))
pages = cw.company.companies.paginated(1, 3, params={"conditions": 'identifier like "Py%"'})
seen = [x.id for x in pages.data]
check("paginated page 1 has 3 and a next page", len(seen) == 3 and pages.has_next_page)
pages.get_next_page()
seen += [x.id for x in pages.data]
check(f"paginated page 2 (next_page from the Link header) continues ({seen})", seen == ids[:6])
walked = [x.id for x in cw.company.companies.paginated(1, 3, params={"conditions": 'identifier like "Py%"'}).all()]
check(f"paginated .all() walks every page ({len(walked)})", walked == ids)
patched = cw.company.companies.id(ids[0]).patch(data=[{"op": "replace", "path": "name", "value": "Renamed"}])
check("company patch", patched.name == "Renamed")
try:
    cw.company.companies.post(data={"identifier": "Py1", "name": "dup", "city": "x"})
    check("duplicate identifier refused", False)
except ObjectExistsError as e:
    check("duplicate identifier refused as ObjectExistsError", "Company ID already in use" in str(e))
cw.company.companies.id(ids[-1]).delete()
left = cw.company.companies.count.get(params={"conditions": 'identifier like "Py%"'})
check(f"company delete then count ({left.count})", left.count == 6)

# Setup rows needed by catalog items and agreements.
cat = cw.procurement.categories.post(data={"name": "PyCloud"})
# pyconnectwise 0.6.1.2 generates no list or POST methods for the spec's trailing-slash paths
# (`/procurement/subcategories/`, `/procurement/categories/{id}/subcategories/`), so this one call
# goes through the client's raw request method; the item endpoint is generated and used below.
sub_json = cw._make_request("POST", cw._get_url() + "/procurement/subcategories/", data={"name": "PyEmail", "category": {"id": cat.id}}).json()
sub = cw.procurement.subcategories.id(sub_json["id"]).get()
check("sub-category item GET through pyconnectwise", sub.category.id == cat.id)
ptype = cw.procurement.types.post(data={"name": "Py_Services"})

# Catalog items.
items = [cw.procurement.catalog.post(data={"identifier": f"PYSKU{i}_7.25", "description": f"Item {i}", "customerDescription": "x",
                                             "subcategory": {"id": sub.id}, "type": {"id": ptype.id}, "price": 12.0, "cost": 7.25})
         for i in range(3)]
check("catalog create derives category from the sub-category", items[0].category.id == cat.id)
listed = cw.procurement.catalog.get(params={"conditions": 'identifier like "PYSKU%" and cost = 7.25'})
check(f"catalog list with conditions ({len(listed)})", len(listed) == 3)
one = cw.procurement.catalog.paginated(2, 1, params={"conditions": 'identifier like "PYSKU%"'})
check("catalog paging page 2 of size 1", [x.id for x in one.data] == [items[1].id])
item = cw.procurement.catalog.id(items[0].id).patch(data=[{"op": "replace", "path": "/price", "value": 13.5}])
check("catalog patch", item.price == 13.5)
cw.procurement.catalog.id(items[2].id).delete()
check("catalog delete", len(cw.procurement.catalog.get(params={"conditions": 'identifier like "PYSKU%"'})) == 2)

# Agreements and additions.
atype = cw.finance.agreements.types.post(data={"name": "PyIntermedia", "employeeCompRate": "Actual", "employeeCompNotExceed": "Billing",
                                               "invoicingCycle": "ContractYear", "billTime": "Billable", "billExpenses": "Billable",
                                               "billProducts": "Billable"})
contact = cw.company.contacts.post(data={"firstName": "Pat", "lastName": "Py", "company": {"id": ids[0]}})
agr = cw.finance.agreements.post(data={"name": "Intermedia - Py", "type": {"id": atype.id}, "company": {"id": ids[0]},
                                       "contact": {"id": contact.id}, "startDate": "2024-01-01T00:00:00Z"})
check("agreement create", agr.company.id == ids[0] and agr.type.name == "PyIntermedia")
agrs = cw.finance.agreements.get(params={"conditions": f"company/id = {ids[0]} and type/name = 'PyIntermedia'"})
check("agreement list with reference conditions", [a.id for a in agrs] == [agr.id])
agr2 = cw.finance.agreements.id(agr.id).patch(data=[{"op": "replace", "path": "customerPO", "value": "PO-7"}])
check("agreement patch", agr2.customer_po == "PO-7")
adds = cw.finance.agreements.id(agr.id).additions
a1 = adds.post(data={"product": {"id": items[0].id}, "billCustomer": "Billable", "quantity": 42, "effectiveDate": "2024-02-01T00:00:00Z"})
a2 = adds.post(data={"product": {"id": items[1].id}, "billCustomer": "Billable", "quantity": 3})
check("addition create (unit price from the patched product price)", a1.unit_price == 13.5 and a1.agreement_id == agr.id)
big = adds.get(params={"conditions": "quantity > 10"})
check("additions list with conditions", [a.id for a in big] == [a1.id])
page = adds.paginated(1, 1)
check("additions paging", len(page.data) == 1 and page.has_next_page)
a1b = adds.id(a1.id).patch(data=[{"op": "replace", "path": "quantity", "value": 40}])
check("addition patch", a1b.quantity == 40)
adds.id(a2.id).delete()
check("addition delete", adds.count.get().count == 1)
try:
    adds.post(data={"product": {"id": items[0].id}, "billCustomer": "Billable", "effectiveDate": "2023-01-01T00:00:00Z"})
    check("addition before agreement start refused", False)
except MalformedRequestException as e:
    check("addition before agreement start refused as MalformedRequestException", "effectiveDate" in e.details())
cw.finance.agreements.id(agr.id).delete()
check("agreement delete", cw.finance.agreements.count.get(params={"conditions": f"id = {agr.id}"}).count == 0)
print("all pyconnectwise checks passed")
