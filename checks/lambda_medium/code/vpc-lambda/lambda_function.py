import json
import boto3
import os

def lambda_handler(event, context):
    """Lambda function with VPC access"""

    # Access RDS, ElastiCache, or other VPC resources
    # This is a simulation - replace with actual VPC resource access

    vpc_config = {
        'vpc_id': os.environ.get('VPC_ID', 'unknown'),
        'subnets': os.environ.get('SUBNET_IDS', 'unknown'),
        'security_group': os.environ.get('SECURITY_GROUP_ID', 'unknown')
    }

    # Example: Connect to RDS database in VPC
    # db_endpoint = "mydb.abc123.us-east-1.rds.amazonaws.com"
    # connection = connect_to_database(db_endpoint)

    # For this demo, just show VPC configuration
    return {
        'statusCode': 200,
        'body': json.dumps({
            'message': 'Lambda running in VPC',
            'vpc_config': vpc_config,
            'function_name': context.function_name
        })
    }
