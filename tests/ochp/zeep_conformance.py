# SPDX-License-Identifier: GPL-2.0-or-later
"""OCHP 1.4 conformance run with an independent SOAP client (python3-zeep).

Loads the official ochp.wsdl and ochp-direct.wsdl, points every binding at the hub and calls every
clearing-house operation with a WS-Security UsernameToken (PasswordText). Every answer must parse in
zeep and carry the expected result code. Exit status 0 when all checks pass.

usage: zeep_conformance.py SPEC_DIR BASE_URL CPO_USER CPO_PASS EMP_USER EMP_PASS
"""
import sys

import zeep
from zeep.wsse.username import UsernameToken

NS = "{http://ochp.eu/1.4}"
failures = []


def check(name, got, want):
    status = "ok" if got == want else "FAIL"
    print(f"{status} {name}: result {got!r} (expected {want!r})")
    if got != want:
        failures.append(name)


def code(resp):
    # zeep unwraps a response whose only child is <result>.
    if "resultCode" in resp:
        return resp["resultCode"]["resultCode"]
    return resp["result"]["resultCode"]["resultCode"]


def client(wsdl, user, password):
    return zeep.Client(wsdl, wsse=UsernameToken(user, password))


def charge_point(evse_id, location_id="LOC1"):
    return {
        "evseId": evse_id,
        "locationId": location_id,
        "timestamp": {"DateTime": "2024-01-01T00:00:00Z"},
        "locationName": "Zeep site",
        "locationNameLang": "DEU",
        "chargePointAddress": {"address": "Hauptstrasse 1", "city": "Berlin", "zipCode": "10115", "country": "DEU"},
        "chargePointLocation": {"lat": "52.520008", "lon": "13.404954"},
        "status": {"ChargePointStatusType": "Operative"},
        "location": {"GeneralLocationType": "on-street"},
        "authMethods": [{"AuthMethodType": "RfidMifareCls"}],
        "connectors": [{"connectorStandard": {"ConnectorStandard": "IEC_62196_T2"},
                        "connectorFormat": {"ConnectorFormat": "Socket"}}],
        "chargePointType": "AC",
        "ratings": {"maximumPower": 22.0, "nominalVoltage": 230},
    }


def token(instance, contract):
    return {"EmtId": {"instance": instance, "tokenType": "rfid", "tokenSubType": "mifareCls"},
            "contractId": contract, "expiryDate": {"DateTime": "2030-01-01T00:00:00Z"}}


def cdr(cdr_id, evse_id, contract, status="new"):
    return {
        "CdrId": cdr_id, "evseId": evse_id,
        "emtId": {"instance": "AABBCCDD", "tokenType": "rfid"},
        "contractId": contract,
        "status": {"CdrStatusType": status},
        "startDateTime": {"LocalDateTime": "2024-03-01T10:00:00+01:00"},
        "endDateTime": {"LocalDateTime": "2024-03-01T11:00:00+01:00"},
        "chargePointAddress": {"address": "Hauptstrasse 1", "city": "Berlin", "zipCode": "10115", "country": "DEU"},
        "chargePointType": "AC",
        "connectorType": {"connectorStandard": {"ConnectorStandard": "IEC_62196_T2"},
                          "connectorFormat": {"ConnectorFormat": "Socket"}},
        "chargingPeriods": [{
            "startDateTime": {"LocalDateTime": "2024-03-01T10:00:00+01:00"},
            "endDateTime": {"LocalDateTime": "2024-03-01T11:00:00+01:00"},
            "billingItem": {"BillingItemType": "energy"},
            "billingValue": 10.5, "itemPrice": 0.3, "periodCost": 3.15}],
        "totalCost": 3.15, "currency": "EUR",
    }


def main():
    spec, base, cpo_user, cpo_pass, emp_user, emp_pass = sys.argv[1:7]
    wsdl = spec + "/ochp-1.4/ochp.wsdl"
    direct_wsdl = spec + "/ochpdirect-0.2/ochp-direct.wsdl"
    main_binding = NS + "eCHS-OCHP_1.4"
    live_binding = NS + "eCHS-OCHP_1.4-live"
    direct_binding = NS + "eCHS-OCHP_1.4-direct"

    cpo = client(wsdl, cpo_user, cpo_pass)
    emp = client(wsdl, emp_user, emp_pass)
    bad = client(wsdl, cpo_user, "wrong password")
    cpo_ch = cpo.create_service(main_binding, base + "/service/ochp/v1.4")
    emp_ch = emp.create_service(main_binding, base + "/service/ochp/v1.4")
    bad_ch = bad.create_service(main_binding, base + "/service/ochp/v1.4")
    cpo_live = cpo.create_service(live_binding, base + "/live/ochp/v1.4")
    emp_live = emp.create_service(live_binding, base + "/live/ochp/v1.4")
    cpo_direct = client(direct_wsdl, cpo_user, cpo_pass).create_service(direct_binding, base + "/direct/ochp/v1.4")
    emp_direct = client(direct_wsdl, emp_user, emp_pass).create_service(direct_binding, base + "/direct/ochp/v1.4")

    # Charge points
    r = cpo_ch.SetChargepointList(chargePointInfoArray=[charge_point("DE*ABC*E0001"), charge_point("DE*ABC*E0002")])
    check("SetChargepointList", code(r), "ok")
    r = cpo_ch.SetChargepointList(chargePointInfoArray=[charge_point("DE*ABC*E0001"), charge_point("DE*ABC*E0002"),
                                                        charge_point("DE*ABC*X0003")])
    check("SetChargepointList (one bad EVSE id)", code(r), "partly")
    check("SetChargepointList refused items", len(r["refusedChargePointInfo"]), 1)
    r = cpo_ch.UpdateChargePointList(chargePointInfoArray=[charge_point("DE*ABC*E0003")])
    check("UpdateChargePointList", code(r), "ok")
    r = cpo_ch.UpdateChargePointList(chargePointInfoArray=[charge_point("DE*XYZ*E0001")])
    check("UpdateChargePointList (foreign operator)", code(r), "invalid-id")
    r = emp_ch.GetChargePointList()
    check("GetChargePointList", code(r), "ok")
    check("GetChargePointList count", len(r["chargePointInfoArray"]), 3)
    r = emp_ch.GetChargePointListUpdates(lastUpdate={"DateTime": "2020-01-01T00:00:00Z"})
    check("GetChargePointListUpdates", code(r), "ok")
    check("GetChargePointListUpdates count", len(r["chargePointInfoArray"]), 3)
    r = bad_ch.GetChargePointList()
    check("GetChargePointList (wrong password)", code(r), "not-authorized")

    # Tokens
    r = emp_ch.SetRoamingAuthorisationList(roamingAuthorisationInfoArray=[token("AABB01", "DE-8AA-C00000001-1")])
    check("SetRoamingAuthorisationList", code(r), "ok")
    r = emp_ch.UpdateRoamingAuthorisationList(roamingAuthorisationInfoArray=[token("AABB02", "DE-8AA-C00000002-2")])
    check("UpdateRoamingAuthorisationList", code(r), "ok")
    r = cpo_ch.GetRoamingAuthorisationList()
    check("GetRoamingAuthorisationList", code(r), "ok")
    check("GetRoamingAuthorisationList count", len(r["roamingAuthorisationInfoArray"]), 2)
    r = cpo_ch.GetRoamingAuthorisationListUpdates(lastUpdate={"DateTime": "2020-01-01T00:00:00Z"})
    check("GetRoamingAuthorisationListUpdates", code(r), "ok")
    check("GetRoamingAuthorisationListUpdates count", len(r["roamingAuthorisationInfo"]), 2)
    r = cpo_ch.GetSingleRoamingAuthorisation(emtId={"instance": "AABB02", "tokenType": "rfid"})
    check("GetSingleRoamingAuthorisation", code(r), "ok")
    check("GetSingleRoamingAuthorisation contract", r["roamingAuthorisationInfo"]["contractId"], "DE-8AA-C00000002-2")

    # CDRs
    r = cpo_ch.AddCDRs(cdrInfoArray=[cdr("DEABC0001", "DE*ABC*E0001", "DE-8AA-C00000001-1"),
                                     cdr("DEABC0002", "DE*ABC*E0001", "DE-8AA-C00000001-1")])
    check("AddCDRs", code(r), "ok")
    r = emp_ch.GetCDRs()
    check("GetCDRs", code(r), "ok")
    check("GetCDRs count", len(r["cdrInfoArray"]), 2)
    r = emp_ch.ConfirmCDRs(approved=[{"cdrId": "DEABC0001", "evseId": "DE*ABC*E0001"}],
                           declined=[{"cdrId": "DEABC0002", "evseId": "DE*ABC*E0001"}])
    check("ConfirmCDRs", code(r), "ok")
    r = emp_ch.GetCDRs()
    check("GetCDRs after ConfirmCDRs count", len(r["cdrInfoArray"]), 0)
    r = cpo_ch.CheckCDRs()
    check("CheckCDRs", code(r), "ok")
    check("CheckCDRs declined count", len(r["cdrInfoArray"]), 1)

    # Tariffs
    tariff = {"tariffId": "DE*ABC*T1", "individualTariff": [{
        "tariffElement": [{"priceComponent": {"billingItem": {"BillingItemType": "energy"}, "itemPrice": 0.3,
                                              "stepSize": 1.0},
                           "tariffRestriction": {}}],
        "currency": "EUR"}]}
    r = cpo_ch.UpdateTariffs(TariffInfoArray=[tariff])
    check("UpdateTariffs", code(r), "ok")
    r = emp_ch.GetTariffUpdates()
    check("GetTariffUpdates", code(r), "ok")
    check("GetTariffUpdates count", len(r["TariffInfoArray"]), 1)

    # Live status
    r = cpo_live.UpdateStatus(evse=[{"evseId": "DE*ABC*E0001", "major": "available", "minor": "available"}],
                              ttl={"DateTime": "2099-01-01T00:00:00Z"})
    check("UpdateStatus", code(r), "ok")
    r = emp_live.GetStatus()
    evse = r["evse"] if "evse" in r else r.evse
    check("GetStatus evse count", len(evse or []), 1)

    # OCHPdirect endpoint exchange
    r = cpo_direct.AddServiceEndpoints(operatorEndpointArray=[{
        "url": "https://cpo.example/direct", "namespaceUrl": "http://ochp.eu/1.4", "accessToken": "zeep-token",
        "validDate": "2024-01-01", "whitelist": ["DEABCE%"]}])
    check("AddServiceEndpoints", code(r), "ok")
    r = emp_direct.GetServiceEndpoints()
    check("GetServiceEndpoints", code(r), "ok")
    check("GetServiceEndpoints operator endpoints", len(r["operatorEndpointArray"]), 1)

    print(f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
