"""EC2: regions, and the subnets and security groups a function's VPC configuration names."""

from __future__ import annotations

from typing import Any

from grader.aws.actions import reads
from grader.aws.reader import Listing
from grader.aws.services import ServiceFacts

SUBNETS = Listing("ec2", "DescribeSubnets", "Subnets", key="SubnetId")
SECURITY_GROUPS = Listing("ec2", "DescribeSecurityGroups", "SecurityGroups", key="GroupId")


class Ec2Facts(ServiceFacts):
    @reads("ec2:DescribeRegions")
    def enabled_regions(self) -> list[str]:
        regions = self.read("ec2", "DescribeRegions", result_key="Regions") or []
        return sorted(r["RegionName"] for r in regions)

    @reads("ec2:DescribeSubnets")
    def subnets(self, subnet_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not subnet_ids:
            return []
        if self.inventory:
            every = self.listing(SUBNETS)
            return [every[i] for i in dict.fromkeys(subnet_ids) if i in every]
        filters = [{"Name": "subnet-id", "Values": sorted(subnet_ids)}]
        return self.read("ec2", "DescribeSubnets", result_key="Subnets", Filters=filters) or []

    @reads("ec2:DescribeSecurityGroups")
    def security_groups(self, group_ids: tuple[str, ...]) -> list[dict[str, Any]]:
        if not group_ids:
            return []
        if self.inventory:
            every = self.listing(SECURITY_GROUPS)
            return [every[i] for i in dict.fromkeys(group_ids) if i in every]
        filters = [{"Name": "group-id", "Values": sorted(group_ids)}]
        return self.read("ec2", "DescribeSecurityGroups", result_key="SecurityGroups", Filters=filters) or []

    @reads("ec2:DescribeSecurityGroups")
    def security_group_names(self) -> set[str]:
        """Names of every security group in the region (one paginated listing, shared by all students)."""
        return {str(g.get("GroupName")) for g in self.listing(SECURITY_GROUPS).values() if g.get("GroupName")}
