// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice Ghost state for the invariant suite: what the handlers observed and paid, kept outside the market
/// so that the invariants can compare the market's own books with an independent record.
/// @dev Only the handlers write here. Every amount is measured from the balances of the counterparties (buyers,
/// payers, providers, the treasury), never read back from the market, so that a sum that matches is evidence.
contract MarketStore {
    /// @notice Ghost model of one lease.
    struct LeaseRecord {
        uint256 id;
        uint256 offerId;
        address buyer;
        address provider;
        address token;
        uint256 units;
        uint256 gpus; // gpusPerUnit * units, from the offer when the lease was opened
        uint256 price; // the offer's price when the lease was opened
        uint256 feeBps; // the market's fee when the lease was opened
        uint256 bookedDuration; // seconds bought: the opening duration plus every extension
        uint256 outageExtension; // seconds the end moved for resolved downtime (the outage record's extension)
        uint256 deposit; // measured: everything pulled from the buyer and the extension payers
        uint256 deadline; // activation deadline, from the market's activation window at open
        uint256 activatedAt; // 0 while pending
        bool ended;
        uint8 endReason; // EndReason as uint8
        uint256 endedAt;
        uint256 billedUnitSeconds; // unit-seconds billed at the end: units x served - down (0 if ended pending)
        uint256 refund; // measured: paid back to the buyer in the payment token, or credited to it
        uint256 penalty; // measured: paid to the buyer from the provider's bond in its token, or credited to it
        uint256 reservedPenalty; // what the lease reserves from that bond: max(offer floor, 10% of the deposit)
        uint256 settled; // gross amount released to the provider (fee included), per our claims
        uint256 claimedNet; // measured share of the provider
        uint256 fees; // measured share of the protocol
        uint256 extensions;
    }

    /// @notice Ghost model of one lease's outages, as the handler reported and resolved them.
    struct OutageRecord {
        uint256 since; // when the open outage (or its last raise) began; 0 when none is open
        uint256 downUnits; // servers down in the open outage
        uint256 deadline; // the open (or last) outage's repair deadline
        uint256 lastResolved;
        uint256 reports;
        uint256 downUnitSeconds; // banked: resolved outages and raises
        uint256 extension; // seconds the end moved: floor(banked down unit-seconds / units) at the last resolve
    }

    /// @notice Cash that crossed the market's edge in one token, measured on the other side.
    struct TokenFlows {
        uint256 deposited; // deposits and top-ups pulled from buyers and payers
        uint256 refunded; // refunds paid to buyers
        uint256 claimedNet; // paid to providers by claims
        uint256 feesCharged; // fees kept by claims
        uint256 feesWithdrawn; // fees sent to the treasury
        uint256 bondIn; // bonds deposited in this token
        uint256 bondOut; // bonds withdrawn in this token
        uint256 penalties; // penalties paid to buyers from bonds in this token
        uint256 credited; // refunds and penalties the token refused, credited to the buyer (still in the market)
        uint256 creditWithdrawn; // credits paid out by withdrawCredit
    }

    address public immutable handlerAdmin;
    mapping(address => bool) public isHandler;

    mapping(uint256 leaseId => LeaseRecord) private _leases;
    mapping(uint256 leaseId => OutageRecord) private _outages;
    uint256 public leaseCount;
    mapping(address provider => uint256[] leaseIds) private _leasesOf;
    mapping(address token => TokenFlows) private _flows;
    mapping(address provider => mapping(address token => uint256)) public ghostBond;

    // Outcome counters. Each handler call predicts from the model whether the market must accept it; the
    // market disagreeing either way is counted, as is any amount that differs from the formula.
    uint256 public unexpectedReverts;
    uint256 public unexpectedSuccesses;
    uint256 public amountMismatches;
    uint256 public settledDecreases;
    uint256 public exitCallsWhilePaused; // valid terminate/cancel/close/claim/extend/withdrawBond while paused
    uint256 public exitFailuresWhilePaused;
    string public lastIssue;
    bytes public lastIssueData;

    mapping(bytes32 action => uint256) public calls;
    mapping(bytes32 action => uint256) public successes;
    string[] private _actionNames; // every action counted so far, in the order first seen

    error NotHandler(address caller);

    modifier onlyHandler() {
        if (!isHandler[msg.sender]) revert NotHandler(msg.sender);
        _;
    }

    constructor() {
        handlerAdmin = msg.sender;
    }

    function addHandler(address handler) external {
        if (msg.sender != handlerAdmin) revert NotHandler(msg.sender);
        isHandler[handler] = true;
    }

    /*//////////////////////////////////////////////////////////////
                                 LEASES
    //////////////////////////////////////////////////////////////*/

    function addLease(uint256 leaseId, LeaseRecord calldata r) external onlyHandler {
        _leases[leaseId] = r;
        if (leaseId > leaseCount) leaseCount = leaseId;
        _leasesOf[r.provider].push(leaseId);
    }

    function setLease(uint256 leaseId, LeaseRecord calldata r) external onlyHandler {
        _leases[leaseId] = r;
    }

    function lease(uint256 leaseId) external view returns (LeaseRecord memory) {
        return _leases[leaseId];
    }

    function leasesOf(address provider) external view returns (uint256[] memory) {
        return _leasesOf[provider];
    }

    function setOutage(uint256 leaseId, OutageRecord calldata o) external onlyHandler {
        _outages[leaseId] = o;
    }

    function outage(uint256 leaseId) external view returns (OutageRecord memory) {
        return _outages[leaseId];
    }

    /*//////////////////////////////////////////////////////////////
                               CASH FLOWS
    //////////////////////////////////////////////////////////////*/

    function flows(address token) external view returns (TokenFlows memory) {
        return _flows[token];
    }

    function addDeposited(address token, uint256 amount) external onlyHandler {
        _flows[token].deposited += amount;
    }

    function addRefunded(address token, uint256 amount) external onlyHandler {
        _flows[token].refunded += amount;
    }

    function addClaimed(address token, uint256 net, uint256 fee) external onlyHandler {
        _flows[token].claimedNet += net;
        _flows[token].feesCharged += fee;
    }

    function addFeesWithdrawn(address token, uint256 amount) external onlyHandler {
        _flows[token].feesWithdrawn += amount;
    }

    function addBondIn(address token, address provider, uint256 amount) external onlyHandler {
        _flows[token].bondIn += amount;
        ghostBond[provider][token] += amount;
    }

    function addBondOut(address token, address provider, uint256 amount) external onlyHandler {
        _flows[token].bondOut += amount;
        ghostBond[provider][token] -= amount;
    }

    /// @notice A penalty left the provider's bond: paid to the buyer (`paid`) or credited to it.
    function addPenalty(address token, address provider, uint256 amount, bool paid) external onlyHandler {
        if (paid) _flows[token].penalties += amount;
        else _flows[token].credited += amount;
        ghostBond[provider][token] -= amount;
    }

    function addCredited(address token, uint256 amount) external onlyHandler {
        _flows[token].credited += amount;
    }

    function addCreditWithdrawn(address token, uint256 amount) external onlyHandler {
        _flows[token].creditWithdrawn += amount;
    }

    /*//////////////////////////////////////////////////////////////
                                OUTCOMES
    //////////////////////////////////////////////////////////////*/

    function countCall(string calldata name, bool ok) external onlyHandler {
        bytes32 action = keccak256(bytes(name));
        if (calls[action] == 0) _actionNames.push(name);
        calls[action] += 1;
        if (ok) successes[action] += 1;
    }

    /// @notice Every action counted so far, in the order first seen.
    function actionNames() external view returns (string[] memory) {
        return _actionNames;
    }

    function recordUnexpectedRevert(string calldata what, bytes calldata data) external onlyHandler {
        unexpectedReverts += 1;
        lastIssue = what;
        lastIssueData = data;
    }

    function recordUnexpectedSuccess(string calldata what) external onlyHandler {
        unexpectedSuccesses += 1;
        lastIssue = what;
        delete lastIssueData;
    }

    function recordMismatch(string calldata what, uint256 got, uint256 expected) external onlyHandler {
        amountMismatches += 1;
        lastIssue = what;
        lastIssueData = abi.encode(got, expected);
    }

    function recordSettledDecrease(uint256 leaseId, uint256 before, uint256 afterwards) external onlyHandler {
        settledDecreases += 1;
        lastIssue = "settled decreased";
        lastIssueData = abi.encode(leaseId, before, afterwards);
    }

    function recordPausedExit(bool failed) external onlyHandler {
        exitCallsWhilePaused += 1;
        if (failed) exitFailuresWhilePaused += 1;
    }
}
